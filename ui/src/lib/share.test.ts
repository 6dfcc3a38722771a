import { afterEach, describe, expect, it, vi } from "vitest";

import {
  DEFAULT_STYLE,
  NICKNAME_MAX,
  cleanNickname,
  clipNickname,
  fitBox,
  formatBytes,
  isIsoDate,
  isShareableDate,
  latestOnly,
  sanitizeStyle,
  shareRequest,
  shiftDate,
  svgDataUrl,
} from "./share";

describe("svgDataUrl", () => {
  it("encodes the markup so it cannot break out of the attribute", () => {
    const url = svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg"><text>连续 #1 "打卡" 100%</text></svg>');
    expect(url.startsWith("data:image/svg+xml;charset=utf-8,")).toBe(true);
    const body = url.slice("data:image/svg+xml;charset=utf-8,".length);
    expect(body).not.toMatch(/["<># ]/);
    expect(decodeURIComponent(body)).toContain("连续 #1 \"打卡\" 100%");
  });
});

describe("fitBox", () => {
  it("keeps the shape and fits the tighter side", () => {
    expect(fitBox(1080, 1440, 600, 600)).toEqual({ width: 450, height: 600 });
    expect(fitBox(1080, 1080, 500, 800)).toEqual({ width: 500, height: 500 });
    expect(fitBox(1080, 1920, 1000, 640)).toEqual({ width: 360, height: 640 });
  });

  it("is empty before anything is measured", () => {
    expect(fitBox(1080, 1440, 0, 600)).toEqual({ width: 0, height: 0 });
    expect(fitBox(0, 0, 600, 600)).toEqual({ width: 0, height: 0 });
  });
});

describe("nickname", () => {
  it("clips to the limit in characters, not UTF-16 units", () => {
    const long = "考".repeat(25);
    expect([...clipNickname(long)]).toHaveLength(NICKNAME_MAX);
    const emoji = "🐱".repeat(21);
    expect([...clipNickname(emoji)]).toHaveLength(NICKNAME_MAX);
    expect(clipNickname("小林")).toBe("小林");
  });

  it("trims and turns blank into none", () => {
    expect(cleanNickname("  小林  ")).toBe("小林");
    expect(cleanNickname("   ")).toBeNull();
    expect(cleanNickname("")).toBeNull();
  });
});

describe("dates", () => {
  it("accepts real dates only", () => {
    expect(isIsoDate("2026-11-25")).toBe(true);
    expect(isIsoDate("2028-02-29")).toBe(true);
    expect(isIsoDate("2026-02-29")).toBe(false);
    expect(isIsoDate("2026-13-01")).toBe(false);
    expect(isIsoDate("2026-1-5")).toBe(false);
    expect(isIsoDate("")).toBe(false);
  });

  it("never shares a day after today", () => {
    expect(isShareableDate("2026-11-25", "2026-11-25")).toBe(true);
    expect(isShareableDate("2026-11-26", "2026-11-25")).toBe(false);
    expect(shiftDate("2026-11-25", 1, "2026-11-25")).toBe("2026-11-25");
    expect(shiftDate("2026-11-01", -1, "2026-11-25")).toBe("2026-10-31");
    expect(shiftDate("2026-11-23", 1, "2026-11-25")).toBe("2026-11-24");
  });
});

describe("shareRequest", () => {
  it("sends exactly the style's fields and a cleaned nickname", () => {
    const style = { ...DEFAULT_STYLE, kind: "weekly" as const, theme: "dark" as const, extra: 1 };
    expect(shareRequest("2026-11-25", style, true, "  小林 ")).toEqual({
      date: "2026-11-25",
      style: { ...DEFAULT_STYLE, kind: "weekly", theme: "dark", nickname: "小林" },
      with_photo: true,
    });
    expect(shareRequest("2026-11-25", DEFAULT_STYLE, false, "").style.nickname).toBeNull();
  });
});

describe("sanitizeStyle", () => {
  it("keeps known choices and replaces unknown ones", () => {
    expect(sanitizeStyle(null)).toEqual(DEFAULT_STYLE);
    const odd = { kind: "yearly", size: "square", theme: "dark", accent: "purple", hide_minutes: true } as unknown;
    expect(sanitizeStyle(odd as Parameters<typeof sanitizeStyle>[0])).toEqual({
      ...DEFAULT_STYLE,
      size: "square",
      theme: "dark",
      hide_minutes: true,
    });
  });
});

describe("formatBytes", () => {
  it("uses the unit that reads best", () => {
    expect(formatBytes(900)).toBe("900 B");
    expect(formatBytes(356 * 1024)).toBe("356 KB");
    expect(formatBytes(1.44 * 1024 * 1024)).toBe("1.4 MB");
  });
});

describe("latestOnly", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function deferred<T>() {
    let resolve!: (v: T) => void;
    const promise = new Promise<T>((r) => (resolve = r));
    return { promise, resolve };
  }

  it("waits for a pause, then asks once for the last choice", async () => {
    vi.useFakeTimers();
    const run = vi.fn(async (n: number) => n * 10);
    const apply = vi.fn();
    const runner = latestOnly(150, run, apply);
    runner.request(1);
    vi.advanceTimersByTime(100);
    runner.request(2);
    vi.advanceTimersByTime(100);
    runner.request(3);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(150);
    expect(run).toHaveBeenCalledTimes(1);
    expect(run).toHaveBeenCalledWith(3);
    expect(apply).toHaveBeenCalledWith(30, 3);
  });

  it("drops an answer that arrives after a newer request", async () => {
    vi.useFakeTimers();
    const first = deferred<string>();
    const second = deferred<string>();
    const answers = [first, second];
    const applied: string[] = [];
    const pending: boolean[] = [];
    const runner = latestOnly(
      150,
      () => (answers.shift() ?? first).promise,
      (r) => applied.push(r),
      { onpending: (p) => pending.push(p) },
    );
    runner.request("a");
    await vi.advanceTimersByTimeAsync(150);
    runner.request("b");
    await vi.advanceTimersByTimeAsync(150);
    second.resolve("new");
    await vi.advanceTimersByTimeAsync(0);
    first.resolve("stale");
    await vi.advanceTimersByTimeAsync(0);
    expect(applied).toEqual(["new"]);
    expect(pending.at(-1)).toBe(false);
  });

  it("applies nothing after cancel", async () => {
    vi.useFakeTimers();
    const apply = vi.fn();
    const runner = latestOnly(150, async () => 1, apply);
    runner.request(null);
    runner.cancel();
    await vi.advanceTimersByTimeAsync(500);
    expect(apply).not.toHaveBeenCalled();
  });
});
