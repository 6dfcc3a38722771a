// The Plan screen's pure logic: wall-clock minutes and pixels, snapping, overlaps on the
// 24-hour circle (as daka-core checks them), weekday bit sets, midnight-crossing blocks drawn as
// two segments, the drag state machine, and per-date override edits. Unit-tested.
import type { Block, BlockKind, DayOverrideInput, Lang, Subject, Template, Timetable } from "./bindings";
import { weekdayName } from "./i18n/format";
import { translate } from "./i18n/index.svelte";

/** Minutes in a day on the wall clock. */
export const DAY_MIN = 24 * 60;
/** Drags and arrow keys move by this many minutes. */
export const SNAP_MIN = 15;
/** A block label's maximum length in characters (daka-core's MAX_LABEL_CHARS). */
export const MAX_LABEL = 40;
/** A template name's maximum length in characters (daka-core's MAX_TEMPLATE_NAME_CHARS). */
export const MAX_TEMPLATE_NAME = 20;
/** ISO weekdays, Monday first. */
export const WEEK = [1, 2, 3, 4, 5, 6, 7] as const;

export const KINDS: BlockKind[] = ["study", "meal", "exercise", "rest", "sleep", "other"];

/** Each kind's colour, used when a block has none of its own (and no subject, for study). */
export const KIND_COLORS: Record<BlockKind, string> = {
  study: "#0e7f71",
  meal: "#f76b15",
  exercise: "#46a758",
  rest: "#8e4ec6",
  sleep: "#3e63dd",
  other: "#7d7d7d",
};

/** The reminder choices of the block form: `null` is "use the default", 0 is "no reminder". */
export const REMIND_CHOICES: (number | null)[] = [null, 0, 5, 10, 15, 30, 60];

// --- time ----------------------------------------------------------------------------------

const pad = (n: number) => String(n).padStart(2, "0");

/** 450 → "07:30"; 1440 (the end of the day) → "00:00". */
export function hm(min: number): string {
  const m = ((Math.round(min) % DAY_MIN) + DAY_MIN) % DAY_MIN;
  return `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

/** "7:30", "07:30" or "0730" → 450; anything else (or 24:00 and later) → null. */
export function parseHm(text: string): number | null {
  const m = /^\s*(\d{1,2}):?(\d{2})\s*$/.exec(text);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return null;
  return h * 60 + min;
}

/** The wall-clock length in minutes; 0 when start == end (invalid). */
export function lengthMin(b: Pick<Block, "start_min" | "end_min">): number {
  return (b.end_min - b.start_min + DAY_MIN) % DAY_MIN;
}

/** Whether the block ends the next day (23:00–06:30); a block ending at 00:00 does not. */
export function crossesMidnight(b: Pick<Block, "start_min" | "end_min">): boolean {
  return b.end_min !== 0 && b.end_min < b.start_min;
}

/** "20:00–22:30" */
export function range(b: Pick<Block, "start_min" | "end_min">): string {
  return `${hm(b.start_min)}–${hm(b.end_min)}`;
}

/** "20:00–22:30 晚上学习", as daka-core names a block in its messages. */
export function describe(b: Pick<Block, "start_min" | "end_min" | "label">): string {
  return b.label ? `${range(b)} ${b.label}` : range(b);
}

export function snap(min: number, step = SNAP_MIN): number {
  return Math.round(min / step) * step;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function minToPx(min: number, pxPerHour: number): number {
  return (min / 60) * pxPerHour;
}

export function pxToMin(px: number, pxPerHour: number): number {
  return (px / pxPerHour) * 60;
}

// --- segments and overlaps -------------------------------------------------------------------

/** A part of a block as drawn in one day column, in minutes from 00:00 to 24:00. */
export type Segment = { from: number; to: number; head: boolean; tail: boolean };

/**
 * How a block is drawn in its column: one segment, or for a block crossing midnight the evening
 * part (from its start to 24:00) and the morning part (from 00:00 to its end), which holds the
 * end and so the resize handle.
 */
export function segments(b: Pick<Block, "start_min" | "end_min">): Segment[] {
  if (lengthMin(b) === 0) return [];
  if (b.end_min === 0) return [{ from: b.start_min, to: DAY_MIN, head: true, tail: true }];
  if (b.end_min > b.start_min) return [{ from: b.start_min, to: b.end_min, head: true, tail: true }];
  return [
    { from: b.start_min, to: DAY_MIN, head: true, tail: false },
    { from: 0, to: b.end_min, head: false, tail: true },
  ];
}

/** Whether two blocks share a minute on the 24-hour circle (daka-core's rule). */
export function overlaps(a: Pick<Block, "start_min" | "end_min">, b: Pick<Block, "start_min" | "end_min">): boolean {
  const la = lengthMin(a);
  const lb = lengthMin(b);
  if (la === 0 || lb === 0) return false;
  const inside = (start: number, arc: Pick<Block, "start_min">, len: number) =>
    (start - arc.start_min + DAY_MIN) % DAY_MIN < len;
  return inside(a.start_min, b, lb) || inside(b.start_min, a, la);
}

/** The first other block that `candidate` overlaps, ignoring the block with the same id. */
export function findOverlap<B extends Pick<Block, "id" | "start_min" | "end_min">>(
  blocks: B[],
  candidate: Pick<Block, "id" | "start_min" | "end_min">,
): B | null {
  return blocks.find((o) => o.id !== candidate.id && overlaps(o, candidate)) ?? null;
}

/** Blocks in order of their start, from `dayStart` (minutes) round the clock. */
export function sortFrom<B extends Pick<Block, "start_min">>(blocks: B[], dayStart = 0): B[] {
  return [...blocks].sort(
    (a, b) => ((a.start_min - dayStart + DAY_MIN) % DAY_MIN) - ((b.start_min - dayStart + DAY_MIN) % DAY_MIN),
  );
}

// --- moving and resizing ---------------------------------------------------------------------

/**
 * The block moved by `delta` minutes, keeping its length. A block inside one day stays inside
 * it (it stops at 00:00 and 24:00); one crossing midnight moves round the clock.
 */
export function moveBlock<B extends Block>(b: B, delta: number): B {
  const len = lengthMin(b);
  if (crossesMidnight(b)) {
    const start = (((b.start_min + delta) % DAY_MIN) + DAY_MIN) % DAY_MIN;
    return { ...b, start_min: start, end_min: (start + len) % DAY_MIN };
  }
  const start = clamp(b.start_min + delta, 0, DAY_MIN - len);
  return { ...b, start_min: start, end_min: (start + len) % DAY_MIN };
}

/** The block with its end moved by `delta` minutes; it lasts 15 minutes to 23¾ hours. */
export function resizeBlock<B extends Block>(b: B, delta: number): B {
  const len = clamp(lengthMin(b) + delta, SNAP_MIN, DAY_MIN - SNAP_MIN);
  return { ...b, end_min: (b.start_min + len) % DAY_MIN };
}

/**
 * The block with its end dragged to `pointerMin` in its column (already snapped). Inside one
 * day the end stays between 15 minutes after the start and 24:00; the morning part of a block
 * crossing midnight ends between 00:00 and 15 minutes before the start.
 */
export function resizeTo<B extends Block>(b: B, pointerMin: number): B {
  if (crossesMidnight(b)) return { ...b, end_min: clamp(pointerMin, 0, b.start_min - SNAP_MIN) };
  const end = clamp(pointerMin, b.start_min + SNAP_MIN, DAY_MIN);
  return { ...b, end_min: end % DAY_MIN };
}

// --- the drag state machine ------------------------------------------------------------------

export type DragMode = "create" | "move" | "resize";

export type Drag = {
  mode: DragMode;
  weekday: number;
  /** Where the pointer went down, in minutes of the column. */
  originMin: number;
  /** The block as it was (move and resize). */
  block: Block | null;
  /** The preview: where the block (or the new one) would go now. */
  start: number;
  end: number;
  /** The pointer has moved far enough to count as a drag, not a click. */
  moved: boolean;
};

export function startDrag(mode: DragMode, weekday: number, pointerMin: number, block: Block | null = null): Drag {
  const at = clamp(snap(pointerMin), 0, DAY_MIN - SNAP_MIN);
  return {
    mode,
    weekday,
    originMin: pointerMin,
    block,
    start: block ? block.start_min : at,
    end: block ? block.end_min : at + SNAP_MIN,
    moved: false,
  };
}

/** The drag after the pointer moved to `pointerMin` (in minutes of the same column). */
export function dragTo(d: Drag, pointerMin: number): Drag {
  const moved = d.moved || Math.abs(pointerMin - d.originMin) >= SNAP_MIN / 2;
  if (d.mode === "create") {
    const a = clamp(snap(d.originMin, SNAP_MIN), 0, DAY_MIN);
    const b = clamp(snap(pointerMin, SNAP_MIN), 0, DAY_MIN);
    const start = Math.min(a, b);
    const end = Math.max(a, b, start + SNAP_MIN);
    const s = Math.min(start, DAY_MIN - SNAP_MIN);
    return { ...d, moved, start: s, end: Math.min(end, DAY_MIN) };
  }
  if (!d.block) return d;
  const next =
    d.mode === "move" ? moveBlock(d.block, snap(pointerMin - d.originMin)) : resizeTo(d.block, snap(pointerMin));
  return { ...d, moved, start: next.start_min, end: next.end_min };
}

/** The new block a finished "create" drag proposes; a click without a drag proposes an hour. */
export function createdBlock(d: Drag, id: string): Block {
  const start = d.start;
  const end = d.moved ? d.end : Math.min(start + 60, DAY_MIN);
  return emptyBlock(id, start, end % DAY_MIN);
}

/** The moved or resized block a finished drag proposes, or null when nothing changed. */
export function draggedBlock(d: Drag): Block | null {
  if (!d.block || !d.moved) return null;
  if (d.start === d.block.start_min && d.end === d.block.end_min) return null;
  return { ...d.block, start_min: d.start, end_min: d.end % DAY_MIN };
}

// --- blocks, templates and colours -------------------------------------------------------------

export function emptyBlock(id: string, start: number, end: number): Block {
  return {
    id,
    start_min: start,
    end_min: end,
    kind: "study",
    subject_id: null,
    label: "",
    color: null,
    remind_before_min: null,
  };
}

/** A block's colour: its own, else its subject's (study), else its kind's. */
export function blockColor(b: Pick<Block, "color" | "kind" | "subject_id">, subjects: Subject[]): string {
  if (b.color) return b.color;
  if (b.kind === "study" && b.subject_id) {
    const s = subjects.find((x) => x.id === b.subject_id);
    if (s) return s.color;
  }
  return KIND_COLORS[b.kind];
}

/** "#e5484d" → "rgb(229 72 77 / 18%)", a tint that works on light and dark surfaces. */
export function tint(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  const [r, g, b] = [m[1], m[2], m[3]].map((x) => parseInt(x ?? "0", 16));
  return `rgb(${r} ${g} ${b} / ${Math.round(alpha * 100)}%)`;
}

/** The template with one block replaced (same id) or added. */
export function withBlock(t: Template, block: Block): Template {
  const at = t.blocks.findIndex((b) => b.id === block.id);
  const blocks = at === -1 ? [...t.blocks, block] : t.blocks.map((b, i) => (i === at ? block : b));
  return { ...t, blocks };
}

export function withoutBlock(t: Template, id: string): Template {
  return { ...t, blocks: t.blocks.filter((b) => b.id !== id) };
}

/** The template that applies on ISO weekday `day`. */
export function templateOn(timetable: Timetable, day: number): Template | null {
  return timetable.templates.find((t) => hasDay(t.weekdays, day)) ?? null;
}

/** A field path of a server error (e.g. `templates.0.blocks.3.label`) as the block form's field. */
export function formField(path: string, prefix: string): string | null {
  if (!path.startsWith(`${prefix}.`)) return null;
  const rest = path.slice(prefix.length + 1);
  return ["label", "end", "color", "remind_before_min", "subject_id"].includes(rest) ? rest : null;
}

// --- weekday sets ------------------------------------------------------------------------------

export function hasDay(bits: number, iso: number): boolean {
  return (bits & (1 << (iso - 1))) !== 0;
}

export function toggleDay(bits: number, iso: number): number {
  return bits ^ (1 << (iso - 1));
}

export function daysOf(bits: number): number[] {
  return WEEK.filter((d) => hasDay(bits, d));
}

export function bitsOf(days: number[]): number {
  return days.reduce((bits, d) => bits | (1 << (d - 1)), 0);
}

/** "每天", "周一至周六", "周六、周日" / "Every day", "Mon–Sat", "Sat, Sun". */
export function describeDays(bits: number, lang: Lang): string {
  const days = daysOf(bits);
  if (days.length === 7) return translate(lang, "plan.days.every");
  const runs: number[][] = [];
  for (const d of days) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] === d - 1) last.push(d);
    else runs.push([d]);
  }
  const parts = runs.flatMap((run) =>
    run.length >= 3
      ? [translate(lang, "plan.days.range", { from: weekdayName(run[0] ?? 1, lang), to: weekdayName(run[run.length - 1] ?? 1, lang) })]
      : run.map((d) => weekdayName(d, lang)),
  );
  return parts.join(translate(lang, "goals.weekday_joiner"));
}

/** The days of `bits` that other templates (not `exceptId`) already use, with their names. */
export function takenDays(timetable: Timetable, bits: number, exceptId: string | null): { days: number; names: string[] } {
  let days = 0;
  const names: string[] = [];
  for (const t of timetable.templates) {
    if (t.id === exceptId) continue;
    const shared = t.weekdays & bits;
    if (shared) {
      days |= shared;
      names.push(t.name);
    }
  }
  return { days, names };
}

// --- dates and per-date overrides ---------------------------------------------------------------

/** `YYYY-MM-DD` plus `n` days. */
export function addDays(iso: string, n: number): string {
  const [y, m, d] = iso.split("-").map(Number);
  const date = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + n));
  return date.toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of `YYYY-MM-DD`. */
export function isoWeekday(iso: string): number {
  const [y, m, d] = iso.split("-").map(Number);
  const day = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).getUTCDay();
  return day === 0 ? 7 : day;
}

export function emptyOverride(date: string): DayOverrideInput {
  return { date, skipped: [], changed: [], added: [] };
}

const sameBlock = (a: Block, b: Block) => JSON.stringify(a) === JSON.stringify(b);

/** The override with a template block changed for the day (or the change dropped, if back to the template's). */
export function overrideChange(o: DayOverrideInput, block: Block, original: Block | null): DayOverrideInput {
  if (o.added.some((b) => b.id === block.id)) {
    return { ...o, added: o.added.map((b) => (b.id === block.id ? block : b)) };
  }
  if (!original) return { ...o, added: [...o.added, block] };
  const changed = o.changed.filter((b) => b.id !== block.id);
  return {
    ...o,
    skipped: o.skipped.filter((id) => id !== block.id),
    changed: sameBlock(block, original) ? changed : [...changed, block],
  };
}

/** The override with a block skipped that day (a block added that day is simply removed). */
export function overrideSkip(o: DayOverrideInput, id: string): DayOverrideInput {
  if (o.added.some((b) => b.id === id)) return { ...o, added: o.added.filter((b) => b.id !== id) };
  return {
    ...o,
    skipped: o.skipped.includes(id) ? o.skipped : [...o.skipped, id],
    changed: o.changed.filter((b) => b.id !== id),
  };
}

export function overrideRestore(o: DayOverrideInput, id: string): DayOverrideInput {
  return { ...o, skipped: o.skipped.filter((x) => x !== id) };
}

// --- ids ---------------------------------------------------------------------------------------

/**
 * A new UUIDv7, as daka-core makes its ids (any UUID parses, but v7 keeps ids time-ordered).
 * From `crypto.getRandomValues`, which unlike `randomUUID` needs no secure context.
 */
export function newId(now = Date.now()): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let ms = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
