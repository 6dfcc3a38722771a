// The Share screen's pure parts: the choices it offers, the request it sends, the preview's
// size on screen, and a debounced runner that only applies the latest answer.
import type { Accent, CardKind, CardSize, CardStyle, CardTheme, ShareRequest } from "./bindings";
import { addDays } from "./plan";

export const KINDS: CardKind[] = ["streak", "daily", "weekly", "countdown"];
export const SIZES: CardSize[] = ["portrait", "square", "story"];
export const THEMES: CardTheme[] = ["light", "dark"];
/** The swatches: each accent's colour on a light card (daka-card's palette). */
export const ACCENTS: { accent: Accent; color: string }[] = [
  { accent: "green", color: "#17925A" },
  { accent: "orange", color: "#E2621A" },
  { accent: "blue", color: "#2767D8" },
  { accent: "rose", color: "#D23F69" },
];
/** Width ÷ height of each size, for the size picker's little frames. */
export const SIZE_RATIO: Record<CardSize, number> = { portrait: 3 / 4, square: 1, story: 9 / 16 };

export const NICKNAME_MAX = 20;
/** How long the preview waits after the last change before asking for a new one. */
export const PREVIEW_DEBOUNCE_MS = 150;

export const DEFAULT_STYLE: CardStyle = {
  kind: "streak",
  size: "portrait",
  theme: "light",
  accent: "green",
  hide_minutes: false,
  hide_note: false,
  nickname: null,
};

/** The SVG as an `<img>` source (no markup is put into the page). */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** The largest `width`×`height` box of the picture's shape that fits in `maxW`×`maxH`. */
export function fitBox(width: number, height: number, maxW: number, maxH: number): { width: number; height: number } {
  if (width <= 0 || height <= 0 || maxW <= 0 || maxH <= 0) return { width: 0, height: 0 };
  const scale = Math.min(maxW / width, maxH / height);
  return { width: Math.floor(width * scale), height: Math.floor(height * scale) };
}

/** At most `NICKNAME_MAX` characters (code points, so an emoji or a rare 汉字 counts once). */
export function clipNickname(raw: string): string {
  const chars = [...raw];
  return chars.length > NICKNAME_MAX ? chars.slice(0, NICKNAME_MAX).join("") : raw;
}

/** What the card gets: trimmed and clipped, `null` when blank. */
export function cleanNickname(raw: string): string | null {
  const clipped = clipNickname(raw.trim()).trim();
  return clipped === "" ? null : clipped;
}

/** A real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** A day the card can show: a real date, not after today. */
export function isShareableDate(text: string, today: string): boolean {
  return isIsoDate(text) && text <= today;
}

/** `date` moved by `n` days, never past `today`. */
export function shiftDate(date: string, n: number, today: string): string {
  const next = addDays(date, n);
  return next > today ? today : next;
}

export function shareRequest(date: string, style: CardStyle, withPhoto: boolean, nickname: string): ShareRequest {
  return {
    date,
    style: {
      kind: style.kind,
      size: style.size,
      theme: style.theme,
      accent: style.accent,
      hide_minutes: style.hide_minutes,
      hide_note: style.hide_note,
      nickname: cleanNickname(nickname),
    },
    with_photo: withPhoto,
  };
}

/** Remembered choices, with anything this version does not know replaced by the default. */
export function sanitizeStyle(style: Partial<CardStyle> | null | undefined): CardStyle {
  const s = style ?? {};
  const pick = <T>(value: T | undefined, allowed: readonly T[], fallback: T): T =>
    value !== undefined && allowed.includes(value) ? value : fallback;
  return {
    kind: pick(s.kind, KINDS, DEFAULT_STYLE.kind),
    size: pick(s.size, SIZES, DEFAULT_STYLE.size),
    theme: pick(s.theme, THEMES, DEFAULT_STYLE.theme),
    accent: pick(
      s.accent,
      ACCENTS.map((a) => a.accent),
      DEFAULT_STYLE.accent,
    ),
    hide_minutes: s.hide_minutes === true,
    hide_note: s.hide_note === true,
    nickname: typeof s.nickname === "string" ? cleanNickname(s.nickname) : null,
  };
}

/** "356 KB", "1.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.max(0, Math.round(bytes))} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export interface Timers {
  set: (run: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}

const realTimers: Timers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Runs `run` `delayMs` after the last `request`, and hands its answer to `apply` only if no
 * newer request came in meanwhile (a slow, stale answer never overwrites a newer one).
 * `onpending` says when an answer is awaited.
 */
export function latestOnly<A, R>(
  delayMs: number,
  run: (arg: A) => Promise<R>,
  apply: (result: R, arg: A) => void,
  { onpending = () => {}, timers = realTimers }: { onpending?: (pending: boolean) => void; timers?: Timers } = {},
): { request: (arg: A) => void; cancel: () => void } {
  let seq = 0;
  let timer: unknown = null;
  const clear = () => {
    if (timer !== null) timers.clear(timer);
    timer = null;
  };
  return {
    request(arg: A) {
      const mine = ++seq;
      clear();
      onpending(true);
      timer = timers.set(() => {
        timer = null;
        void run(arg).then(
          (result) => {
            if (mine !== seq) return;
            onpending(false);
            apply(result, arg);
          },
          (e: unknown) => {
            if (mine === seq) onpending(false);
            console.error("preview failed", e);
          },
        );
      }, delayMs);
    },
    cancel() {
      seq++;
      clear();
    },
  };
}
