import { describe, expect, it } from "vitest";

import { formatInstant, shiftDate, timeInZone } from "./groupsFormat";

describe("group times", () => {
  it("shows an instant in the group's zone, not the computer's", () => {
    // 14:30 UTC is 22:30 in Shanghai and 09:30 in New York (EST) the same day.
    expect(timeInZone("2026-12-06T14:30:00Z", "Asia/Shanghai", "zh-CN")).toBe("22:30");
    expect(timeInZone("2026-12-06T14:30:00Z", "America/New_York", "en")).toBe("09:30");
  });

  it("steps calendar days across month, year and DST changes", () => {
    expect(shiftDate("2026-12-31", 1)).toBe("2027-01-01");
    expect(shiftDate("2026-03-01", -1)).toBe("2026-02-28");
    expect(shiftDate("2026-03-29", 1)).toBe("2026-03-30");
  });

  it("formats instants per language", () => {
    const zh = formatInstant("2026-12-13T00:30:00Z", "zh-CN");
    expect(zh).toMatch(/12月1[23]日/);
    expect(formatInstant("2026-12-13T00:30:00Z", "en")).toMatch(/Dec/);
  });
});
