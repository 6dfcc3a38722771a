// The group connection as the whole UI sees it (the Groups screen and the sidebar's sync line):
// one copy, refreshed on every change Rust reports, so both always agree.
import type { Group, GroupsStatus } from "./bindings";
import { backend } from "./backend";

class GroupsModel {
  status = $state<GroupsStatus | null>(null);
  /** The groups as last fetched (still shown while the server cannot be reached). */
  list = $state<Group[]>([]);
  error = $state<string | null>(null);
  /** Bumped on each change event, so an open board knows to fetch again. */
  revision = $state(0);
  /** An invite link the OS opened (deep link), waiting for the Groups screen. */
  openedInvite = $state<string | null>(null);
  private listening = false;

  /** Listens for changes and opened invite links; `onLink` shows the Groups screen. */
  async start(onLink: () => void): Promise<void> {
    if (this.listening) return;
    this.listening = true;
    await backend.onGroupsChanged(() => {
      this.revision += 1;
      void this.refresh();
    });
    const takeLink = async () => {
      const r = await backend.groupsTakeOpenedLink();
      if (r.ok && r.value) {
        this.openedInvite = r.value;
        onLink();
      }
    };
    await backend.onInviteLink(() => void takeLink());
    await takeLink();
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const r = await backend.groupsStatus();
    if (r.ok) {
      this.status = r.value;
      this.error = null;
    } else this.error = r.error.message;
  }

  set(status: GroupsStatus): void {
    this.status = status;
  }
}

export const groups = new GroupsModel();
