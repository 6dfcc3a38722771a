// The subject list as edited in a form (onboarding and Settings). Pure functions, unit-tested.
import { SUBJECT_PALETTE, type Subject, type SubjectDraft, type SubjectPreset } from "./bindings";

export type SubjectRow = { key: string; id: string | null; name: string; color: string };

let counter = 0;
function newKey(): string {
  counter += 1;
  return `row-${counter}`;
}

export function fromSubjects(subjects: Subject[]): SubjectRow[] {
  return subjects.map((s) => ({ key: s.id, id: s.id, name: s.name, color: s.color }));
}

export function fromPresets(presets: SubjectPreset[]): SubjectRow[] {
  return presets
    .filter((p) => p.selected)
    .map((p) => ({ key: newKey(), id: null, name: p.name, color: p.color }));
}

export function toDrafts(rows: SubjectRow[]): SubjectDraft[] {
  return rows.map((r) => ({ id: r.id, name: r.name, color: r.color }));
}

/** The first palette colour no row uses yet (or the least used one). */
export function nextColor(rows: SubjectRow[]): string {
  const used = new Map<string, number>();
  for (const r of rows) used.set(r.color.toLowerCase(), (used.get(r.color.toLowerCase()) ?? 0) + 1);
  let best: string = SUBJECT_PALETTE[0];
  let bestCount = Infinity;
  for (const c of SUBJECT_PALETTE) {
    const n = used.get(c) ?? 0;
    if (n < bestCount) {
      best = c;
      bestCount = n;
    }
  }
  return best;
}

export function addRow(rows: SubjectRow[], name = ""): SubjectRow[] {
  return [...rows, { key: newKey(), id: null, name, color: nextColor(rows) }];
}

export function removeRow(rows: SubjectRow[], key: string): SubjectRow[] {
  return rows.filter((r) => r.key !== key);
}

export function moveRow(rows: SubjectRow[], index: number, delta: -1 | 1): SubjectRow[] {
  const to = index + delta;
  if (to < 0 || to >= rows.length) return rows;
  const next = [...rows];
  const [row] = next.splice(index, 1);
  if (row) next.splice(to, 0, row);
  return next;
}

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export function hasPreset(rows: SubjectRow[], preset: SubjectPreset): boolean {
  return rows.some((r) => sameName(r.name, preset.name));
}

/**
 * Toggles a preset subject. Within a group (英语一/英语二, 数学一/二/三) choosing one removes
 * the others, so the list never holds two English papers.
 */
export function togglePreset(
  rows: SubjectRow[],
  preset: SubjectPreset,
  presets: SubjectPreset[],
): SubjectRow[] {
  if (hasPreset(rows, preset)) return rows.filter((r) => !sameName(r.name, preset.name));
  const rivals =
    preset.group === "single"
      ? []
      : presets.filter((p) => p.group === preset.group && p.name !== preset.name);
  const kept = rows.filter((r) => !rivals.some((p) => sameName(r.name, p.name)));
  const color = kept.some((r) => r.color === preset.color) ? nextColor(kept) : preset.color;
  const row: SubjectRow = { key: newKey(), id: null, name: preset.name, color };
  // Keep the preset order: insert before the first row that comes later in the preset list.
  const order = (name: string) => presets.findIndex((p) => sameName(p.name, name));
  const at = kept.findIndex((r) => order(r.name) > order(preset.name));
  if (at === -1) return [...kept, row];
  return [...kept.slice(0, at), row, ...kept.slice(at)];
}
