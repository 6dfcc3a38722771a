import { describe, expect, it } from "vitest";

import { confirmation } from "./confirm.svelte";

describe("confirmation", () => {
  it("resolves with the answer and clears the question", async () => {
    const yes = confirmation.ask("删除？", { action: "删除" });
    expect(confirmation.pending?.message).toBe("删除？");
    confirmation.answer(true);
    await expect(yes).resolves.toBe(true);
    expect(confirmation.pending).toBeNull();

    const no = confirmation.ask("恢复？", { action: "恢复", danger: false });
    expect(confirmation.pending?.danger).toBe(false);
    confirmation.answer(false);
    await expect(no).resolves.toBe(false);
  });

  it("a new question cancels the one still open", async () => {
    const first = confirmation.ask("a", { action: "x" });
    const second = confirmation.ask("b", { action: "y" });
    await expect(first).resolves.toBe(false);
    expect(confirmation.pending?.message).toBe("b");
    confirmation.answer(true);
    await expect(second).resolves.toBe(true);
  });
});
