// Focus mode, pure parts: the start form's ranges and checks, the timer's text and progress,
// the blocklist textareas (lines in, field errors back to line numbers), the punch-in prefill
// from the day's focus minutes, and the words for sessions. Unit-tested. Rust owns the timer:
// nothing here counts time beyond smoothing the half second between two polls.
import type {
  BlockedApp,
  DayPlan,
  FocusSession,
  Lang,
  ModeKind,
  Outcome,
  PunchIn,
  Subject,
  SubjectFocus,
  TimerChoice,
  TimerView,
} from "./bindings";
import type { MessageKey } from "./i18n/index.svelte";
import { formatNumber } from "./i18n/format";
import { translate } from "./i18n/index.svelte";

/** How often the Focus screen and the overlay ask Rust for the session's state. */
export const POLL_MS = 500;
/** How often the Today card asks while a session runs (it only shows minutes and seconds). */
export const CARD_POLL_MS = 1000;
/** How far the display may run ahead of the last answer (a late answer must not be outrun). */
export const MAX_INTERPOLATION_MS = 1000;

/** The numeric fields of the start form, as typed: an emptied input is `null`. */
export type NumberField =
  | "work_min"
  | "short_break_min"
  | "long_break_min"
  | "rounds"
  | "long_every"
  | "countdown_min"
  | "stopwatch_cap_min";

export type TimerDraft = Omit<TimerChoice, NumberField> & Record<NumberField, number | null>;

/** Allowed values, as Rust checks them (daka-focus timer/config.rs). */
export const LIMITS: Record<NumberField, readonly [number, number]> = {
  work_min: [1, 180],
  short_break_min: [1, 60],
  long_break_min: [1, 60],
  rounds: [1, 12],
  long_every: [1, 12],
  countdown_min: [1, 600],
  stopwatch_cap_min: [1, 720],
};

/** Rust's field path of each input (`mode.work_min`, …), so its errors land next to the input. */
export const ERROR_FIELD: Record<NumberField, string> = {
  work_min: "mode.work_min",
  short_break_min: "mode.short_break_min",
  long_break_min: "mode.long_break_min",
  rounds: "mode.rounds",
  long_every: "mode.long_every",
  countdown_min: "mode.minutes",
  stopwatch_cap_min: "mode.cap_min",
};

/** The inputs each mode uses (the others keep their values for next time). */
export const MODE_FIELDS: Record<ModeKind, NumberField[]> = {
  pomodoro: ["work_min", "short_break_min", "long_break_min", "rounds", "long_every"],
  countdown: ["countdown_min"],
  stopwatch: ["stopwatch_cap_min"],
};

/**
 * Checks the mode's inputs before asking Rust: an empty or fractional number cannot even be
 * sent (the request would not decode). Returns messages keyed like Rust's field errors.
 */
export function checkTimer(draft: TimerDraft, lang: Lang): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of MODE_FIELDS[draft.mode]) {
    const value = draft[field];
    const [min, max] = LIMITS[field];
    if (value === null || !Number.isInteger(value) || value < min || value > max) {
      errors[ERROR_FIELD[field]] = translate(lang, "focus.form.range", { min, max });
    }
  }
  return errors;
}

/** The draft as Rust takes it, once `checkTimer` found nothing; unused fields fall back to their minimum. */
export function toChoice(draft: TimerDraft): TimerChoice {
  const n = (field: NumberField) => {
    const v = draft[field];
    return v !== null && Number.isInteger(v) ? v : LIMITS[field][0];
  };
  return {
    ...draft,
    work_min: n("work_min"),
    short_break_min: n("short_break_min"),
    long_break_min: n("long_break_min"),
    rounds: n("rounds"),
    long_every: n("long_every"),
    countdown_min: n("countdown_min"),
    stopwatch_cap_min: n("stopwatch_cap_min"),
  };
}

/** "0:59", "25:00", "1:05:00". Counting down rounds up, so it never shows 0:00 while time is left. */
export function formatClock(ms: number, roundUp: boolean): string {
  const total = Math.max(0, roundUp ? Math.ceil(ms / 1000) : Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/**
 * The view moved on by `sinceMs` since Rust answered, so the ring does not jump twice a second.
 * Never more than `MAX_INTERPOLATION_MS`, never past the end of the phase, never while paused.
 */
export function interpolate(view: TimerView, sinceMs: number): TimerView {
  if (view.paused || view.finished) return view;
  const step = Math.min(Math.max(0, sinceMs), MAX_INTERPOLATION_MS, view.remaining_ms);
  return {
    ...view,
    remaining_ms: view.remaining_ms - step,
    elapsed_ms: view.elapsed_ms + step,
    exit_cooldown_remaining_ms:
      view.exit_cooldown_remaining_ms === null ? null : Math.max(0, view.exit_cooldown_remaining_ms - step),
  };
}

/** What the big timer shows: the time left, or for a stopwatch the time so far. */
export function timerText(view: TimerView, mode: ModeKind): string {
  return mode === "stopwatch" ? formatClock(view.elapsed_ms, false) : formatClock(view.remaining_ms, true);
}

/** How far the current phase has run, 0..=1 (a stopwatch: how far towards its cap). */
export function progressFraction(view: Pick<TimerView, "elapsed_ms" | "remaining_ms">): number {
  const total = view.elapsed_ms + view.remaining_ms;
  if (total <= 0) return 0;
  return Math.min(1, Math.max(0, view.elapsed_ms / total));
}

/** The phase label's message: 专注 / 短休息 / 长休息, or 已暂停 over all of them. */
export function phaseKey(view: Pick<TimerView, "phase" | "paused">): MessageKey {
  if (view.paused) return "focus.phase.paused";
  return view.phase === "short_break" ? "focus.phase.short_break" : view.phase === "long_break" ? "focus.phase.long_break" : "focus.phase.work";
}

/** Minutes focused today including the running session's whole minutes so far. */
export function minutesToday(recordedMin: number, view: Pick<TimerView, "work_ms"> | null): number {
  return recordedMin + (view ? Math.floor(view.work_ms / 60_000) : 0);
}

export type Lines = {
  /** The non-empty lines, trimmed, as Rust gets them. */
  entries: string[];
  /** The 1-based textarea line of each entry. */
  lines: number[];
};

/** A textarea's lines without the blank ones (Rust refuses empty entries), remembering where each was. */
export function splitLines(text: string): Lines {
  const entries: string[] = [];
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const entry = raw.trim();
    if (entry) {
      entries.push(entry);
      lines.push(i + 1);
    }
  });
  return { entries, lines };
}

export function joinLines(list: string[]): string {
  return list.join("\n");
}

export type LineError = { line: number | null; message: string };

/**
 * Rust's field errors for one list (`sites.3` is the fourth entry sent) as textarea line numbers;
 * an error about the whole list (`sites`) has no line. In line order.
 */
export function lineErrors(fields: { field: string; message: string }[], list: string, lines: number[]): LineError[] {
  const out: LineError[] = [];
  for (const f of fields) {
    if (f.field === list) out.push({ line: null, message: f.message });
    else if (f.field.startsWith(`${list}.`)) {
      const index = Number(f.field.slice(list.length + 1));
      if (!Number.isInteger(index)) continue;
      out.push({ line: lines[index] ?? index + 1, message: f.message });
    }
  }
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** Minutes already punched in per subject over the given punch-ins. */
export function punchedMinutes(punchIns: Pick<PunchIn, "minutes">[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of punchIns) {
    for (const m of p.minutes) out[m.subject_id] = (out[m.subject_id] ?? 0) + m.minutes;
  }
  return out;
}

/**
 * What the punch-in form fills in from the day's focus: each known subject's focus minutes minus
 * what was already punched in for it that day, when positive. Focus without a subject is left
 * out (there is no subject to put it under).
 */
export function focusPrefill(
  focus: SubjectFocus[],
  punched: Record<string, number>,
  subjectIds: string[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of focus) {
    if (f.subject_id === null || !subjectIds.includes(f.subject_id)) continue;
    const rest = f.minutes - (punched[f.subject_id] ?? 0);
    if (rest > 0) out[f.subject_id] = (out[f.subject_id] ?? 0) + rest;
  }
  return out;
}

/** What "start from the current block" fills in: its minutes left and its subject, if it has one. */
export function fromCurrentBlock(plan: DayPlan | null, subjects: Subject[]): { minutes: number; subjectId: string | null } | null {
  if (!plan?.current) return null;
  const [min, max] = LIMITS.countdown_min;
  const minutes = Math.min(max, Math.max(min, plan.current_left_min ?? min));
  const id = plan.current.block.subject_id;
  return { minutes, subjectId: id && subjects.some((s) => s.id === id) ? id : null };
}

export function subjectName(id: string | null, subjects: Subject[], lang: Lang): string {
  if (id === null) return translate(lang, "focus.without_subject");
  return subjects.find((s) => s.id === id)?.name ?? translate(lang, "focus.unknown_subject");
}

export const OUTCOME_KEY: Record<Outcome, MessageKey> = {
  completed: "focus.outcome.completed",
  abandoned: "focus.outcome.abandoned",
  interrupted: "focus.outcome.interrupted",
};

/** "bilibili 3 次、微信 1 次" / "bilibili 3 times, WeChat once"; empty for none. */
export function blockedText(blocked: BlockedApp[], lang: Lang): string {
  return blocked
    .map((b) => translate(lang, "focus.blocked.item", { app: b.app, n: formatNumber(b.count, lang) }))
    .join(translate(lang, "focus.joiner"));
}

/** An instant as `HH:MM` in the home zone (the machine's zone if Intl does not know it). */
export function clockAt(utc: string, timeZone: string): string {
  const date = new Date(utc);
  if (Number.isNaN(date.getTime())) return "";
  const options: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  try {
    return new Intl.DateTimeFormat("en-GB", { ...options, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat("en-GB", options).format(date);
  }
}

/** "14:00–14:25" */
export function sessionRange(s: Pick<FocusSession, "started_at" | "ended_at">, timeZone: string): string {
  return `${clockAt(s.started_at, timeZone)}–${clockAt(s.ended_at, timeZone)}`;
}

/** Whether the system draws in dark colours (the exit code's picture follows it). */
export function prefersDark(): boolean {
  return typeof window !== "undefined" && typeof window.matchMedia === "function" && window.matchMedia("(prefers-color-scheme: dark)").matches;
}
