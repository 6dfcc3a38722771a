import { describe as group, expect, it } from "vitest";

import type { Block, Timetable } from "./bindings";
import {
  addDays,
  bitsOf,
  blockColor,
  createdBlock,
  crossesMidnight,
  daysOf,
  describe,
  describeDays,
  dragTo,
  draggedBlock,
  emptyBlock,
  emptyOverride,
  findOverlap,
  formField,
  hasDay,
  hm,
  isoWeekday,
  lengthMin,
  minToPx,
  moveBlock,
  newId,
  overlaps,
  overrideChange,
  overrideRestore,
  overrideSkip,
  parseHm,
  pxToMin,
  resizeBlock,
  resizeTo,
  segments,
  snap,
  sortFrom,
  startDrag,
  takenDays,
  templateOn,
  tint,
  toggleDay,
  withBlock,
  withoutBlock,
} from "./plan";

const block = (id: string, start: string, end: string, label = ""): Block => ({
  ...emptyBlock(id, parseHm(start) ?? 0, parseHm(end) ?? 0),
  label,
});

group("time", () => {
  it("formats and parses HH:MM", () => {
    expect(hm(0)).toBe("00:00");
    expect(hm(450)).toBe("07:30");
    expect(hm(1440)).toBe("00:00");
    expect(hm(1439)).toBe("23:59");
    expect(parseHm("07:30")).toBe(450);
    expect(parseHm("7:30")).toBe(450);
    expect(parseHm("0730")).toBe(450);
    expect(parseHm("23:59")).toBe(1439);
    expect(parseHm("24:00")).toBeNull();
    expect(parseHm("12:60")).toBeNull();
    expect(parseHm("")).toBeNull();
    expect(parseHm("abc")).toBeNull();
  });

  it("measures lengths on the 24-hour circle", () => {
    expect(lengthMin(block("a", "20:00", "22:30"))).toBe(150);
    expect(lengthMin(block("a", "23:00", "06:30"))).toBe(450);
    expect(lengthMin(block("a", "23:00", "00:00"))).toBe(60);
    expect(lengthMin(block("a", "08:00", "08:00"))).toBe(0);
    expect(crossesMidnight(block("a", "23:00", "06:30"))).toBe(true);
    expect(crossesMidnight(block("a", "23:00", "00:00"))).toBe(false);
    expect(crossesMidnight(block("a", "08:00", "09:00"))).toBe(false);
  });

  it("snaps and converts minutes to pixels and back", () => {
    expect(snap(7)).toBe(0);
    expect(snap(8)).toBe(15);
    expect(snap(1203)).toBe(1200);
    expect(minToPx(90, 48)).toBe(72);
    expect(pxToMin(72, 48)).toBe(90);
  });

  it("describes a block as the server names it", () => {
    expect(describe(block("a", "19:00", "20:00", "散步"))).toBe("19:00–20:00 散步");
    expect(describe(block("a", "19:00", "20:00"))).toBe("19:00–20:00");
  });
});

group("segments", () => {
  it("draws a block inside the day as one segment", () => {
    expect(segments(block("a", "08:00", "09:30"))).toEqual([{ from: 480, to: 570, head: true, tail: true }]);
  });

  it("draws a block ending at midnight down to 24:00", () => {
    expect(segments(block("a", "23:00", "00:00"))).toEqual([{ from: 1380, to: 1440, head: true, tail: true }]);
  });

  it("splits a block crossing midnight into the evening part and the morning part", () => {
    expect(segments(block("a", "23:00", "06:30"))).toEqual([
      { from: 1380, to: 1440, head: true, tail: false },
      { from: 0, to: 390, head: false, tail: true },
    ]);
  });

  it("draws nothing for a zero-length block", () => {
    expect(segments(block("a", "08:00", "08:00"))).toEqual([]);
  });
});

group("overlaps", () => {
  const sleep = block("s", "23:00", "06:30", "睡觉");
  const walk = block("w", "19:00", "20:00", "散步");

  it("follows daka-core: touching blocks do not overlap", () => {
    expect(overlaps(walk, block("x", "20:00", "22:30"))).toBe(false);
    expect(overlaps(walk, block("x", "19:45", "20:30"))).toBe(true);
    expect(overlaps(walk, block("x", "18:00", "19:00"))).toBe(false);
    expect(overlaps(walk, block("x", "18:00", "21:00"))).toBe(true);
  });

  it("checks across midnight", () => {
    expect(overlaps(sleep, block("x", "06:00", "07:00"))).toBe(true);
    expect(overlaps(sleep, block("x", "06:30", "07:00"))).toBe(false);
    expect(overlaps(sleep, block("x", "22:30", "23:30"))).toBe(true);
    expect(overlaps(sleep, block("x", "01:00", "02:00"))).toBe(true);
  });

  it("names the other block and ignores the block itself", () => {
    const blocks = [walk, sleep];
    expect(findOverlap(blocks, block("w", "19:15", "20:15"))).toBeNull();
    expect(findOverlap(blocks, block("n", "19:30", "20:30"))?.label).toBe("散步");
    expect(findOverlap(blocks, block("n", "05:00", "07:00"))?.label).toBe("睡觉");
  });

  it("sorts from the day start round the clock", () => {
    const early = block("e", "01:00", "02:00");
    const sorted = sortFrom([early, walk, block("m", "06:30", "07:00")], 240);
    expect(sorted.map((b) => b.id)).toEqual(["m", "w", "e"]);
  });
});

group("moving and resizing", () => {
  it("moves a block keeping its length, inside the day", () => {
    const b = block("a", "20:00", "22:30");
    expect(moveBlock(b, 60)).toMatchObject({ start_min: 1260, end_min: 1410 });
    expect(moveBlock(b, 600)).toMatchObject({ start_min: 1290, end_min: 0 });
    expect(moveBlock(b, -2000)).toMatchObject({ start_min: 0, end_min: 150 });
  });

  it("moves a block crossing midnight round the clock", () => {
    const sleep = block("s", "23:00", "06:30");
    expect(moveBlock(sleep, 30)).toMatchObject({ start_min: 1410, end_min: 420 });
    expect(moveBlock(sleep, 120)).toMatchObject({ start_min: 60, end_min: 510 });
  });

  it("resizes by keys between 15 minutes and 23¾ hours", () => {
    const b = block("a", "08:00", "08:30");
    expect(resizeBlock(b, 15)).toMatchObject({ end_min: 525 });
    expect(resizeBlock(b, -60)).toMatchObject({ end_min: 495 });
    expect(resizeBlock(block("a", "23:00", "23:45"), 30)).toMatchObject({ end_min: 15 });
  });

  it("resizes by dragging the bottom edge", () => {
    const b = block("a", "08:00", "09:00");
    expect(resizeTo(b, 600)).toMatchObject({ end_min: 600 });
    expect(resizeTo(b, 400)).toMatchObject({ end_min: 495 });
    expect(resizeTo(b, 1500)).toMatchObject({ end_min: 0 });
    const sleep = block("s", "23:00", "06:30");
    expect(resizeTo(sleep, 420)).toMatchObject({ end_min: 420 });
    expect(resizeTo(sleep, 1400)).toMatchObject({ end_min: 1365 });
  });
});

group("the drag state machine", () => {
  it("creates from a drag on empty space, in either direction", () => {
    let d = startDrag("create", 3, 9 * 60 + 5);
    expect(d).toMatchObject({ start: 540, end: 555, moved: false });
    d = dragTo(d, 10 * 60 + 20);
    expect(d).toMatchObject({ start: 540, end: 615, moved: true });
    d = dragTo(d, 8 * 60 - 3);
    expect(d).toMatchObject({ start: 480, end: 540 });
    const b = createdBlock(d, "id");
    expect(b).toMatchObject({ id: "id", start_min: 480, end_min: 540, kind: "study", label: "" });
  });

  it("a click on empty space proposes an hour", () => {
    const d = dragTo(startDrag("create", 1, 14 * 60 + 2), 14 * 60 + 4);
    expect(d.moved).toBe(false);
    expect(createdBlock(d, "x")).toMatchObject({ start_min: 840, end_min: 900 });
  });

  it("creating stops at 24:00", () => {
    const d = dragTo(startDrag("create", 1, 23 * 60), 25 * 60);
    expect(createdBlock(d, "x")).toMatchObject({ start_min: 1380, end_min: 0 });
  });

  it("moves a block by whole snaps and keeps its length", () => {
    const b = block("a", "20:00", "22:30");
    let d = startDrag("move", 3, 20 * 60 + 40, b);
    d = dragTo(d, 21 * 60 + 10);
    expect(d).toMatchObject({ start: 1230, end: 1380, moved: true });
    expect(draggedBlock(d)).toMatchObject({ id: "a", start_min: 1230, end_min: 1380, label: "" });
  });

  it("a tiny movement is a click, not a drag", () => {
    const b = block("a", "20:00", "22:30");
    const d = dragTo(startDrag("move", 3, 1240, b), 1243);
    expect(d.moved).toBe(false);
    expect(draggedBlock(d)).toBeNull();
  });

  it("a drag back to where it started changes nothing", () => {
    const b = block("a", "20:00", "22:30");
    const d = dragTo(dragTo(startDrag("move", 3, 1240, b), 1300), 1240);
    expect(d.moved).toBe(true);
    expect(draggedBlock(d)).toBeNull();
  });

  it("resizes from the bottom edge", () => {
    const b = block("a", "20:00", "22:30");
    const d = dragTo(startDrag("resize", 3, 1350, b), 1322);
    expect(draggedBlock(d)).toMatchObject({ start_min: 1200, end_min: 1320 });
  });
});

group("templates and colours", () => {
  const tpl = { id: "t", name: "考研一天", weekdays: bitsOf([1, 2, 3, 4, 5, 6]), blocks: [block("a", "08:00", "09:00")] };
  const subjects = [{ id: "s1", name: "数学一", color: "#e5484d", position: 0 }];

  it("replaces, adds and removes blocks", () => {
    const moved = { ...block("a", "10:00", "11:00") };
    expect(withBlock(tpl, moved).blocks).toEqual([moved]);
    expect(withBlock(tpl, block("b", "12:00", "13:00")).blocks.map((b) => b.id)).toEqual(["a", "b"]);
    expect(withoutBlock(tpl, "a").blocks).toEqual([]);
  });

  it("colours by the block's own colour, then its subject's, then its kind's", () => {
    expect(blockColor({ color: "#123456", kind: "study", subject_id: "s1" }, subjects)).toBe("#123456");
    expect(blockColor({ color: null, kind: "study", subject_id: "s1" }, subjects)).toBe("#e5484d");
    expect(blockColor({ color: null, kind: "sleep", subject_id: null }, subjects)).toBe("#3e63dd");
    expect(blockColor({ color: null, kind: "study", subject_id: "gone" }, subjects)).toBe("#0e7f71");
    expect(tint("#e5484d", 0.2)).toBe("rgb(229 72 77 / 20%)");
  });

  it("finds the template of a weekday and the days others already use", () => {
    const weekend = { id: "w", name: "周末", weekdays: bitsOf([6, 7]), blocks: [] };
    const tt: Timetable = { templates: [tpl, weekend], overrides: [] };
    expect(templateOn(tt, 3)?.id).toBe("t");
    expect(templateOn(tt, 7)?.id).toBe("w");
    expect(takenDays(tt, bitsOf([6, 7]), "w")).toEqual({ days: bitsOf([6]), names: ["考研一天"] });
    expect(takenDays(tt, bitsOf([6, 7]), null)).toEqual({ days: bitsOf([6, 7]), names: ["考研一天", "周末"] });
    expect(takenDays({ templates: [weekend], overrides: [] }, bitsOf([1, 2]), null).days).toBe(0);
  });

  it("maps a server field path to the block form's input", () => {
    expect(formField("templates.0.blocks.3.label", "templates.0.blocks.3")).toBe("label");
    expect(formField("templates.0.blocks.3.end", "templates.0.blocks.3")).toBe("end");
    expect(formField("templates.0.blocks.3", "templates.0.blocks.3")).toBeNull();
    expect(formField("templates.0.blocks.30.label", "templates.0.blocks.3")).toBeNull();
  });
});

group("weekday sets", () => {
  it("uses Monday as bit 0 and Sunday as bit 6", () => {
    expect(bitsOf([1])).toBe(1);
    expect(bitsOf([7])).toBe(64);
    expect(bitsOf([1, 2, 3, 4, 5, 6])).toBe(0b0111111);
    expect(daysOf(0b1000001)).toEqual([1, 7]);
    expect(hasDay(0b100, 3)).toBe(true);
    expect(hasDay(0b100, 2)).toBe(false);
    expect(toggleDay(0b100, 3)).toBe(0);
    expect(toggleDay(0, 7)).toBe(64);
  });

  it("describes days with ranges in both languages", () => {
    expect(describeDays(bitsOf([1, 2, 3, 4, 5, 6]), "zh-CN")).toBe("周一至周六");
    expect(describeDays(bitsOf([1, 2, 3, 4, 5, 6]), "en")).toBe("Mon–Sat");
    expect(describeDays(bitsOf([6, 7]), "zh-CN")).toBe("周六、周日");
    expect(describeDays(bitsOf([6, 7]), "en")).toBe("Sat, Sun");
    expect(describeDays(bitsOf([1, 3, 5]), "zh-CN")).toBe("周一、周三、周五");
    expect(describeDays(bitsOf([1, 2, 3, 5, 6, 7]), "en")).toBe("Mon–Wed, Fri–Sun");
    expect(describeDays(127, "zh-CN")).toBe("每天");
  });
});

group("dates and overrides", () => {
  it("adds days across months and years", () => {
    expect(addDays("2026-11-25", 1)).toBe("2026-11-26");
    expect(addDays("2026-11-30", 1)).toBe("2026-12-01");
    expect(addDays("2027-01-01", -1)).toBe("2026-12-31");
    expect(isoWeekday("2026-11-25")).toBe(3);
    expect(isoWeekday("2026-11-29")).toBe(7);
  });

  const original = block("a", "20:00", "22:30", "晚上学习");

  it("records a changed block, and drops the change when it is back to the template's", () => {
    const moved = { ...original, start_min: 1230, end_min: 1380 };
    const o = overrideChange(emptyOverride("2026-11-26"), moved, original);
    expect(o.changed).toEqual([moved]);
    expect(overrideChange(o, original, original).changed).toEqual([]);
  });

  it("adds a block only that day, edits and removes it", () => {
    const extra = block("x", "15:00", "16:00", "答疑");
    let o = overrideChange(emptyOverride("2026-11-26"), extra, null);
    expect(o.added).toEqual([extra]);
    const later = { ...extra, start_min: 990, end_min: 1050 };
    o = overrideChange(o, later, null);
    expect(o.added).toEqual([later]);
    expect(overrideSkip(o, "x")).toMatchObject({ added: [], skipped: [] });
  });

  it("skips a block (forgetting its change) and restores it", () => {
    const moved = { ...original, start_min: 1230, end_min: 1380 };
    let o = overrideChange(emptyOverride("2026-11-26"), moved, original);
    o = overrideSkip(o, "a");
    expect(o).toMatchObject({ skipped: ["a"], changed: [] });
    expect(overrideSkip(o, "a").skipped).toEqual(["a"]);
    expect(overrideRestore(o, "a").skipped).toEqual([]);
  });
});

group("ids", () => {
  it("makes time-ordered UUIDv7s", () => {
    const a = newId(1_700_000_000_000);
    const b = newId(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(newId()).not.toBe(newId());
  });
});
