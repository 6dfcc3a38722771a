import { describe, expect, it } from "vitest";

import { en } from "./en";
import { interpolate, translate } from "./index.svelte";
import { zhCN } from "./zh-CN";

const placeholders = (m: unknown) =>
  typeof m === "string" ? [...m.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort() : null;

describe("catalogues", () => {
  it("have the same keys", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it("have no empty messages", () => {
    for (const [key, m] of [...Object.entries(zhCN), ...Object.entries(en)]) {
      const text = typeof m === "function" ? m({ n: 2, h: 1, m: 5, exam: "x" }) : m;
      expect(text.trim(), key).not.toBe("");
    }
  });

  it("use the same placeholders in both languages", () => {
    for (const key of Object.keys(zhCN) as (keyof typeof zhCN)[]) {
      const zh = placeholders(zhCN[key]);
      const e = placeholders(en[key]);
      if (zh && e) expect(e, key).toEqual(zh);
    }
  });

  it("Chinese messages are in Chinese", () => {
    const han = /[\u4e00-\u9fff]/;
    const latinOnly = ["daystart.option", "goals.progress", "punch.minutes_of", "pdialog.note_count", "goals.weekday_joiner", "day.title"];
    for (const [key, m] of Object.entries(zhCN)) {
      if (typeof m !== "string" || latinOnly.includes(key)) continue;
      expect(han.test(m), key).toBe(true);
    }
  });
});

describe("translate", () => {
  it("fills placeholders and keeps unknown ones visible", () => {
    expect(interpolate("还有 {n} 天", { n: 3 })).toBe("还有 3 天");
    expect(interpolate("{a} and {b}", { a: 1 })).toBe("1 and {b}");
  });

  it("pluralizes English where Chinese has no plural", () => {
    expect(translate("en", "today.countdown.unit", { n: 1 })).toBe("day");
    expect(translate("en", "today.countdown.unit", { n: 34 })).toBe("days");
    expect(translate("zh-CN", "today.countdown.unit", { n: 1 })).toBe("天");
    expect(translate("en", "today.countdown.passed", { exam: "CET-6", n: 1 })).toBe("CET-6 was 1 day ago");
  });
});
