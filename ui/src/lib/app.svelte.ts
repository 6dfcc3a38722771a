// Application-level state: which screen is shown and the data every screen shares.
import type { AppInfo, SettingsView, TodayBoard } from "./bindings";
import { backend } from "./backend";
import { setLang } from "./i18n/index.svelte";

export type Screen = "today" | "focus" | "plan" | "stats" | "goals" | "share" | "groups" | "settings";

class AppModel {
  info = $state<AppInfo | null>(null);
  loadError = $state<string | null>(null);
  screen = $state<Screen>("today");
  today = $state<TodayBoard | null>(null);
  settings = $state<SettingsView | null>(null);
  /** The study day the Share screen shows; `null` for today. */
  shareDate = $state<string | null>(null);

  async load(): Promise<void> {
    const info = await backend.appInfo();
    if (!info.ok) {
      this.loadError = info.error.message;
      return;
    }
    setLang(info.value.language);
    this.info = info.value;
    if (info.value.onboarded) await this.refreshToday();
  }

  /** After an import or restore: everything may have changed. */
  async reload(): Promise<void> {
    await this.load();
    if (this.screen === "settings") await this.refreshSettings();
  }

  async refreshToday(): Promise<void> {
    const today = await backend.today();
    if (today.ok) this.today = today.value;
    else this.loadError = today.error.message;
  }

  async refreshSettings(): Promise<void> {
    const settings = await backend.settings();
    if (settings.ok) this.settings = settings.value;
    else this.loadError = settings.error.message;
  }

  onboarded(today: TodayBoard): void {
    if (this.info) this.info = { ...this.info, onboarded: true };
    this.today = today;
    this.screen = "today";
  }

  async show(screen: Screen): Promise<void> {
    if (screen !== "share") this.shareDate = null;
    this.screen = screen;
    if (screen === "today" || screen === "focus" || screen === "stats" || screen === "share") await this.refreshToday();
    else if (screen === "settings") await this.refreshSettings();
  }

  /** Opens Share on a study day (`null`: today), e.g. from a day in the statistics. */
  async openShare(date: string | null): Promise<void> {
    this.shareDate = date;
    await this.show("share");
  }
}

export const app = new AppModel();
