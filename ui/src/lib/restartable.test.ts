import { afterEach, describe, expect, it, vi } from "vitest";

import { restartable } from "./restartable";

afterEach(() => {
  vi.useRealTimers();
});

describe("restartable", () => {
  it("runs only the last call, its full delay after it was made", () => {
    vi.useFakeTimers();
    const later = restartable();
    let shown = true;
    later(() => (shown = false), 2500);
    vi.advanceTimersByTime(2000);
    later(() => (shown = false), 2500); // a second save 2 s after the first
    vi.advanceTimersByTime(1000); // 3 s after the first: its timer must not hide the tick
    expect(shown).toBe(true);
    vi.advanceTimersByTime(1500);
    expect(shown).toBe(false);
  });
});
