// The streak line on Today: strength (坚持度) explains itself, in both languages.
import { cleanup, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";

import type { TodayBoard } from "../../lib/bindings";
import { setLang } from "../../lib/i18n/index.svelte";
import PunchInCard from "./PunchInCard.svelte";

afterEach(() => cleanup());

const board = {
  punch_in: { current_streak: 1, best_streak: 1, strength: 0.05, freezes_banked: 0, never_miss_twice: false },
  punch_in_state: "done",
  punch_ins: [],
  yesterday: null,
  yesterday_open_until: "2026-11-23T04:00",
  mark: null,
} as unknown as TodayBoard;

describe("strength", () => {
  it("says what it is and that a missed day does not reset it", () => {
    setLang("zh-CN");
    render(PunchInCard, { props: { board, onpunch: () => {}, onmark: () => {}, onunmark: () => {} } });
    const strength = screen.getByTestId("strength");
    expect(strength.textContent).toBe("坚持度 5%");
    expect(strength.getAttribute("title")).toMatch(/漏一天只小降一点、不会清零/);
  });

  it("in English too", () => {
    setLang("en");
    render(PunchInCard, { props: { board, onpunch: () => {}, onmark: () => {}, onunmark: () => {} } });
    expect(screen.getByTestId("strength").getAttribute("title")).toMatch(/never to zero/);
  });
});
