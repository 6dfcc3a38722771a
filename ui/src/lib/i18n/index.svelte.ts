// The UI language and the `t` function. Reading `i18n.lang` inside `t` makes every template
// that calls `t` re-render when the language changes.
import type { Lang } from "../bindings";
import { en } from "./en";
import type { Message, Params } from "./types";
import { zhCN } from "./zh-CN";

export type MessageKey = keyof typeof zhCN;
export type { Params };

const catalogs: Record<Lang, Record<MessageKey, Message>> = { "zh-CN": zhCN, en };

export const i18n = $state<{ lang: Lang }>({ lang: "zh-CN" });

export function setLang(lang: Lang): void {
  i18n.lang = lang;
  document.documentElement.lang = lang;
}

/** Fills `{name}` placeholders; a missing parameter is left visible rather than hidden. */
export function interpolate(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function translate(lang: Lang, key: MessageKey, params: Params = {}): string {
  const message = catalogs[lang][key];
  return typeof message === "function" ? message(params) : interpolate(message, params);
}

export function t(key: MessageKey, params: Params = {}): string {
  return translate(i18n.lang, key, params);
}

export const LANGUAGES: { lang: Lang; label: string }[] = [
  { lang: "zh-CN", label: "中文" },
  { lang: "en", label: "English" },
];
