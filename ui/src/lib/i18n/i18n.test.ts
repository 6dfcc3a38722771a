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

  // Full-width brackets, plus signs and 、 in English text are drawn with the CJK font's
  // full-width glyphs ("target（hours）", "＋ New template").
  it("English messages have no CJK punctuation", () => {
    for (const [key, m] of Object.entries(en)) {
      const text = typeof m === "function" ? m({ n: 2, h: 1, m: 5, d: "5 min", exam: "x", list: "a" }) : m;
      expect(text.match(CJK_PUNCTUATION), key).toBeNull();
    }
  });

  // Words around a message written into the markup show in both languages: punctuation there
  // must come from the catalogues (comments may quote Chinese examples).
  it("component markup adds no CJK punctuation of its own", () => {
    const files = import.meta.glob("../../components/**/*.svelte", { query: "?raw", import: "default", eager: true });
    expect(Object.keys(files).length).toBeGreaterThan(20);
    for (const [file, source] of Object.entries(files) as [string, string][]) {
      const code = source.replace(/<!--[\s\S]*?-->/g, "").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
      expect(code.match(CJK_PUNCTUATION), file).toBeNull();
    }
  });
});

/** CJK symbols and punctuation (、。「」【】…) and the full-width forms (（）＋：，). */
const CJK_PUNCTUATION = /[\u3000-\u303f\uff00-\uffef]/g;

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
