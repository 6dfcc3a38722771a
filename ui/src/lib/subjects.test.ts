import { describe, expect, it } from "vitest";

import type { SubjectPreset } from "./bindings";
import { addRow, fromPresets, hasPreset, moveRow, nextColor, toDrafts, togglePreset } from "./subjects";

const presets: SubjectPreset[] = [
  { name: "政治", color: "#e5484d", group: "single", selected: true },
  { name: "英语一", color: "#3e63dd", group: "english", selected: true },
  { name: "英语二", color: "#0090ff", group: "english", selected: false },
  { name: "数学一", color: "#12a594", group: "math", selected: true },
  { name: "数学二", color: "#46a758", group: "math", selected: false },
  { name: "专业课", color: "#f76b15", group: "single", selected: true },
];
function p(name: string): SubjectPreset {
  const found = presets.find((x) => x.name === name);
  if (!found) throw new Error(`no preset ${name}`);
  return found;
}
function at<T>(list: T[], i: number): T {
  const item = list[i];
  if (item === undefined) throw new Error(`no item ${i}`);
  return item;
}

describe("presets", () => {
  it("start with the selected subjects in order", () => {
    expect(fromPresets(presets).map((r) => r.name)).toEqual(["政治", "英语一", "数学一", "专业课"]);
  });

  it("swap the other paper of the same group", () => {
    let rows = fromPresets(presets);
    rows = togglePreset(rows, p("英语二"), presets);
    expect(rows.map((r) => r.name)).toEqual(["政治", "英语二", "数学一", "专业课"]);
    expect(hasPreset(rows, p("英语一"))).toBe(false);
    rows = togglePreset(rows, p("数学一"), presets);
    expect(rows.map((r) => r.name)).toEqual(["政治", "英语二", "专业课"]);
  });
});

describe("editing", () => {
  it("adds rows with an unused colour and moves them", () => {
    const rows = addRow(fromPresets(presets));
    expect(rows).toHaveLength(5);
    expect(["#e5484d", "#3e63dd", "#12a594", "#f76b15"]).not.toContain(at(rows, 4).color);
    const moved = moveRow(rows, 4, -1);
    expect(at(moved, 3).key).toBe(at(rows, 4).key);
    expect(moveRow(rows, 0, -1)).toBe(rows);
  });

  it("picks the least used colour once the palette is exhausted", () => {
    let rows = fromPresets([]);
    for (let i = 0; i < 12; i++) rows = addRow(rows);
    expect(new Set(rows.slice(0, 10).map((r) => r.color)).size).toBe(10);
    expect(nextColor(rows)).toBe(at(rows, 2).color);
  });

  it("turns rows into drafts without UI keys", () => {
    expect(toDrafts(fromPresets(presets))[0]).toEqual({ id: null, name: "政治", color: "#e5484d" });
  });
});
