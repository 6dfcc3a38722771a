import { describe, expect, it } from "vitest";

import {
  formatDayHeading,
  formatDuration,
  formatLocalDateTime,
  formatLongDate,
  formatTargetHours,
} from "./format";

describe("dates", () => {
  it("never shift a calendar date by the machine's time zone", () => {
    expect(formatDayHeading("2026-11-22", "zh-CN")).toBe("11月22日 星期日");
    expect(formatDayHeading("2026-11-22", "en")).toMatch(/^Sunday,? 22 November$/);
    expect(formatLongDate("2026-12-26", "zh-CN")).toBe("2026年12月26日 星期六");
    expect(formatLongDate("2026-12-26", "en")).toMatch(/Saturday,? 26 December 2026/);
  });

  it("formats a local wall-clock moment", () => {
    expect(formatLocalDateTime("2026-11-23T04:00", "zh-CN")).toBe("11月23日 04:00");
    expect(formatLocalDateTime("2026-11-23T04:00", "en")).toBe("23 November, 04:00");
  });
});

describe("durations", () => {
  it.each([
    [0, "0 分钟", "0 min"],
    [45, "45 分钟", "45 min"],
    [60, "1 小时", "1 h"],
    [150, "2 小时 30 分钟", "2 h 30 min"],
    [1440, "24 小时", "24 h"],
  ])("%i minutes", (minutes, zh, en) => {
    expect(formatDuration(minutes, "zh-CN")).toBe(zh);
    expect(formatDuration(minutes, "en")).toBe(en);
  });

  it("shows targets in hours with a decimal when needed", () => {
    expect(formatTargetHours(480, "zh-CN")).toBe("8 小时");
    expect(formatTargetHours(450, "en")).toBe("7.5 h");
  });
});
