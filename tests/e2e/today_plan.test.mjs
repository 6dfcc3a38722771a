// Today's plan card in the real window: with the 考研 preset at 19:30 on a Wednesday, the walk
// (散步 19:00–20:00) runs with 30 minutes left and the evening study is next, in both languages.
import assert from "node:assert/strict";
import { test } from "node:test";

import { completeOnboarding } from "./flows.mjs";
import { withApp } from "./harness.mjs";

// 19:30 in Asia/Shanghai on Wednesday 25 November 2026.
const NOW = "2026-11-25T11:30:00Z";

test("today's plan: the block running now, the time left, the next block", async (t) => {
  await withApp(t, { now: NOW }, async (app) => {
    await completeOnboarding(app);
    // Onboarding's starter plan is on the card at once.
    await app.find('[data-testid="plan-card"] [data-testid="plan-current"]');

    // The 考研 preset (Monday to Saturday), straight through IPC as the Plan screen would.
    const applied = await app.exec(
      "return window.__TAURI_INTERNALS__.invoke('apply_preset', { presetName: 'kaoyan' }).then(() => 'ok', (e) => JSON.stringify(e))",
    );
    assert.equal(applied, "ok");
    await app.click('[data-nav="settings"]');
    await app.find('[data-save="profile"]');
    await app.click('[data-nav="today"]');

    await app.waitForText('[data-testid="plan-current"]', (s) => s.includes("散步"), "the walk as the current block");
    assert.equal(await app.text('[data-testid="plan-current"]'), "散步");
    assert.match(await app.text('[data-testid="plan-card"]'), /走一小时/);
    assert.match(await app.text('[data-testid="plan-card"]'), /19:00–20:00/);
    assert.match(await app.text('[data-testid="plan-left"]'), /30/);
    assert.equal(await app.text('[data-testid="plan-left"]'), "还剩 30 分钟");
    assert.match(await app.text('[data-testid="plan-next"]'), /20:00/);
    assert.match(await app.text('[data-testid="plan-next"]'), /接下来 20:00 晚上学习/);
    const bar = await app.exec(
      "const b = document.querySelector('[data-testid=plan-card] [role=progressbar]'); return b ? b.getAttribute('aria-valuenow') : null",
    );
    assert.equal(bar, "50");
    // The strip: the walk is running, the morning is past, the evening to come; a line at now.
    const states = await app.exec(
      "return [...document.querySelectorAll('[data-testid=plan-timeline] [data-block-state]')].map((s) => s.dataset.blockState)",
    );
    assert.deepEqual(states, ["past", "past", "past", "past", "past", "past", "past", "past", "current", "future", "future", "future"]);
    assert.ok(await app.exists('[data-testid="plan-now"]'));
    assert.match(await app.text('[data-testid="plan-total"]'), /今日计划学习 11 小时 \/ 目标 8 小时/);

    await app.click('[data-nav="settings"]');
    await app.find('[data-save="profile"]');
    await app.click('[data-lang="en"]');
    await app.waitForText("nav", (s) => s.includes("Settings") && s.includes("Today"), "English navigation");
    await app.click('[data-nav="today"]');
    await app.waitForText('[data-testid="plan-left"]', (s) => s.includes("30 min left"), "30 min left");
    assert.match(await app.text('[data-testid="plan-next"]'), /^Next: 20:00 晚上学习/);
    assert.match(await app.text('[data-testid="plan-total"]'), /Study planned today: 11 h \/ target 8 h/);
  });
});
