// The plan (计划) in the real window: the 考研 preset fills the week grid; blocks move and resize
// by mouse drag (WebDriver pointer actions, so real pointer events in WebKitGTK) and by keyboard,
// and the server's refusal of an overlap puts the block back with its message; a date's own
// changes stay on that date; the plan exports as an .ics calendar.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { completeOnboarding } from "./flows.mjs";
import { tempDir, withApp } from "./harness.mjs";

// 19:30 in Asia/Shanghai on Wednesday 25 November 2026.
const NOW = "2026-11-25T11:30:00Z";

/** The block of ISO weekday `day` that starts at `start`, as `[data-…]` selector. */
async function blockAt(app, day, start) {
  const id = await app.waitFor(
    () =>
      app.exec(
        `const b = [...document.querySelectorAll('[data-testid=block][data-weekday="${day}"]')].find((b) => b.dataset.start === arguments[0]);
         return b ? b.dataset.blockId : null;`,
        start,
      ),
    { message: `the block at ${start} on day ${day}` },
  );
  return `[data-testid="block"][data-weekday="${day}"][data-block-id="${id}"]`;
}

const span = (app, css) =>
  app.exec("const b = document.querySelector(arguments[0]); return b ? `${b.dataset.start}–${b.dataset.end}` : null", css);

/** Drags an element vertically by `dy` pixels with the mouse (from its top, or its bottom edge). */
async function drag(app, css, dy, { bottomEdge = false } = {}) {
  await app.exec("document.querySelector(arguments[0]).scrollIntoView({ block: 'center' })", css);
  const r = await app.exec(
    "const b = document.querySelector(arguments[0]).getBoundingClientRect(); return { x: b.x, y: b.y, w: b.width, h: b.height }",
    css,
  );
  const x = Math.round(r.x + r.w / 2);
  const y = Math.round(bottomEdge ? r.y + r.h - 3 : r.y + Math.min(12, r.h / 2));
  const steps = Array.from({ length: 6 }, (_, i) => ({
    type: "pointerMove",
    duration: 40,
    origin: "viewport",
    x,
    y: Math.round(y + (dy * (i + 1)) / 6),
  }));
  await app.cmd("POST", "/actions", {
    actions: [
      {
        type: "pointer",
        id: "mouse",
        parameters: { pointerType: "mouse" },
        actions: [{ type: "pointerMove", duration: 0, origin: "viewport", x, y }, { type: "pointerDown", button: 0 }, ...steps, { type: "pointerUp", button: 0 }],
      },
    ],
  });
  await app.cmd("DELETE", "/actions");
}

/** Drags with the mouse on empty space of a day column, from minute `from` to minute `to`. */
async function dragInColumn(app, day, from, to, px) {
  const column = `[data-testid="day-column"][data-weekday="${day}"]`;
  await app.exec(
    "const c = document.querySelector(arguments[0]); const g = document.querySelector('[data-testid=week-grid]'); g.scrollTop = arguments[1] - 120; g.scrollIntoView({ block: 'end' })",
    column,
    (from / 60) * px,
  );
  const r = await app.exec("const b = document.querySelector(arguments[0]).getBoundingClientRect(); return { x: b.x, y: b.y, w: b.width }", column);
  const x = Math.round(r.x + r.w / 2);
  const y = (min) => Math.round(r.y + (min / 60) * px);
  await app.cmd("POST", "/actions", {
    actions: [
      {
        type: "pointer",
        id: "mouse",
        parameters: { pointerType: "mouse" },
        actions: [
          { type: "pointerMove", duration: 0, origin: "viewport", x, y: y(from) + 1 },
          { type: "pointerDown", button: 0 },
          { type: "pointerMove", duration: 60, origin: "viewport", x, y: y((from + to) / 2) },
          { type: "pointerMove", duration: 60, origin: "viewport", x, y: y(to) - 1 },
          { type: "pointerUp", button: 0 },
        ],
      },
    ],
  });
  await app.cmd("DELETE", "/actions");
}

/** The day view's blocks: `start–end` (and `skipped`) by label. */
async function dayBlocks(app) {
  return app.exec(`return Object.fromEntries([...document.querySelectorAll('[data-testid=day-block]')].map((li) => [
    li.querySelector('.label').innerText.trim(),
    li.dataset.start + '–' + li.dataset.end + (li.dataset.skipped === 'true' ? ' skipped' : ''),
  ]))`);
}

async function showDate(app, date) {
  await app.waitFor(
    async () => {
      const at = await app.exec("return document.querySelector('[data-testid=day-view]').dataset.date");
      if (at === date) return true;
      await app.click(at < date ? '[data-action="day-next"]' : '[data-action="day-prev"]');
      return false;
    },
    { message: `the day view of ${date}` },
  );
  await app.find('[data-testid="day-block"]');
}

test("the plan: a preset, drags saved or refused, one date's changes, an .ics export", async (t) => {
  const dataDir = tempDir("daka-e2e-data-");
  const icsPath = join(tempDir("daka-e2e-ics-"), "我的计划.ics");

  await withApp(t, { now: NOW, dataDir, env: { DAKA_TEST_SAVE_PATH: icsPath } }, async (app) => {
    await completeOnboarding(app);
    // Onboarding made a starter template for every day; the 考研 preset takes Monday to Saturday.
    await app.click('[data-nav="plan"]');
    await app.find('[data-template="我的作息"]');
    await app.click('[data-action="presets"]');
    await app.click('[role="menu"] [data-preset="kaoyan"]');
    const question = await app.waitForText('[data-testid="confirm-dialog"]', (s) => s.length > 0, "the preset question");
    assert.match(question, /周一至周六将改用它，不再使用“我的作息”/);
    await app.click('[data-action="confirm-ok"]');
    await app.waitForText('[data-template="考研一天"]', (s) => /考研一天\s*· 周一至周六/.test(s), "the 考研 template");
    assert.match(await app.text('[data-template="我的作息"]'), /我的作息\s*· 周日/);
    assert.equal(await app.exec("return document.querySelector('[data-template=\"考研一天\"]').getAttribute('aria-pressed')"), "true");

    // Monday to Saturday have the 考研 day; Sunday keeps the starter, dimmed and not editable here.
    assert.equal(await span(app, await blockAt(app, 3, "19:00")), "19:00–20:00");
    assert.equal(await app.text(`${await blockAt(app, 3, "19:00")} .label`), "散步 — 走一小时");
    assert.equal(await span(app, await blockAt(app, 3, "23:00")), "23:00–06:30");
    assert.equal(await app.exec("return [...document.querySelectorAll('[data-testid=block][data-weekday=\"7\"]')].every((b) => b.dataset.editable === 'false')"), true);
    assert.equal(await app.exec("return document.querySelectorAll('[data-testid=block][data-weekday=\"7\"]').length > 0"), true);
    const px = Number(await app.exec("return document.querySelector('[data-testid=week-grid]').dataset.pxPerHour"));
    assert.ok(px > 0);

    // Wednesday's dinner dragged down half an hour: 17:30–18:30 → 18:00–19:00, on every day of the template.
    const dinner = await blockAt(app, 3, "17:30");
    await drag(app, dinner, px / 2);
    await app.waitFor(async () => (await span(app, dinner)) === "18:00–19:00", { message: "dinner at 18:00–19:00" });
    assert.equal(await span(app, await blockAt(app, 1, "18:00")), "18:00–19:00");

    // The evening study dragged down an hour would overlap the review at 22:30: refused, put back.
    const evening = await blockAt(app, 3, "20:00");
    await drag(app, evening, px);
    const refusal = await app.waitForText('[data-banner="plan"]', (s) => s.includes("重叠"), "the overlap message");
    assert.match(refusal, /和“21:00–23:30 晚上学习”的时间重叠了/);
    assert.equal(await span(app, evening), "20:00–22:30");

    // Dinner's bottom edge dragged up 15 minutes: 18:00–18:45.
    await drag(app, dinner, -px / 4, { bottomEdge: true });
    await app.waitFor(async () => (await span(app, dinner)) === "18:00–18:45", { message: "dinner resized" });

    // Keyboard: Shift+↓ on the focused block gives dinner its quarter hour back.
    const dinnerId = await app.find(dinner);
    await app.cmd("POST", `/element/${dinnerId}/value`, { text: "\uE008\uE015" });
    await app.waitFor(async () => (await span(app, dinner)) === "18:00–19:00", { message: "dinner back to 19:00 by keyboard" });

    // A drag on empty space (Thursday 17:30–18:00, which dinner left free) proposes a new block.
    await dragInColumn(app, 4, 17 * 60 + 30, 18 * 60, px);
    await app.find('[data-testid="block-form"]');
    assert.equal(await app.value("#block-start"), "17:30");
    assert.equal(await app.value("#block-end"), "18:00");
    await app.type("#block-label", "整理错题");
    await app.click('[data-action="save-block"]');
    await app.waitFor(async () => !(await app.exists('[data-testid="block-form"]')), { message: "the new block saved" });
    assert.equal(await app.text(`${await blockAt(app, 2, "17:30")} .label`), "整理错题");
    // …and deleted again from its form.
    await app.click(await blockAt(app, 4, "17:30"));
    await app.click('[data-action="delete-block"]');
    await app.click('[data-action="confirm-ok"]');
    await app.waitFor(async () => !(await app.exists('[data-testid="block-form"]')), { message: "the block deleted" });
    assert.equal(await app.exists('[data-testid="block"][data-weekday="4"][data-start="17:30"]'), false);

    // What the server saved, read again after leaving the screen — and Today follows the
    // template at once: on its timeline dinner is now 18:00–19:00, the walk still runs.
    await app.click('[data-nav="today"]');
    await app.find('[data-testid="countdown"]');
    const timeline = () =>
      app.exec(
        "return [...document.querySelectorAll('[data-testid=plan-timeline] [data-block-state]')].map((s) => s.title).join('|')",
      );
    await app.waitFor(async () => (await timeline()).includes("18:00–19:00 晚饭"), {
      message: "Today's timeline with dinner moved",
    });
    assert.equal(await app.text('[data-testid="plan-current"]'), "散步");
    await app.click('[data-nav="plan"]');
    assert.equal(await span(app, await blockAt(app, 3, "18:00")), "18:00–19:00");
    assert.equal(await span(app, await blockAt(app, 5, "20:00")), "20:00–22:30");

    // Tomorrow only: skip the walk and shorten the evening study to 20:30–22:30.
    await app.click('[data-tab="day"]');
    await app.find('[data-testid="day-view"][data-date="2026-11-25"]');
    await showDate(app, "2026-11-26");
    assert.match(await app.text('[data-testid="day-heading"]'), /周四 11月26日/);
    const walk = '[data-testid="day-block"][data-start="19:00"]';
    await app.click(`${walk} [data-action="skip"]`);
    await app.find('[data-testid="day-block"][data-start="19:00"][data-skipped="true"]');
    await app.click('[data-testid="day-block"][data-start="20:00"] [data-action="adjust"]');
    await app.find('[data-testid="block-form"]');
    await app.type("#block-start", "20:30");
    await app.click('[data-action="save-block"]');
    await app.waitFor(async () => !(await app.exists('[data-testid="block-form"]')), { message: "the form to close" });
    let blocks = await dayBlocks(app);
    assert.equal(blocks["散步 — 走一小时"], "19:00–20:00 skipped");
    assert.equal(blocks["晚上学习"], "20:30–22:30");
    assert.match(await app.text('[data-testid="day-changed"]'), /跳过 1 项、调整 1 项/);

    // An overlapping change for that day is refused with the server's message.
    await app.click('[data-testid="day-block"][data-start="22:30"] [data-action="adjust"]');
    await app.type("#block-start", "22:00");
    await app.click('[data-action="save-block"]');
    await app.waitForText('[data-banner="block"]', (s) => s.includes("重叠"), "the day's overlap message");
    await app.click('[data-testid="block-form"] button[aria-label="关闭"]');

    // Today is untouched.
    await showDate(app, "2026-11-25");
    blocks = await dayBlocks(app);
    assert.equal(blocks["散步 — 走一小时"], "19:00–20:00");
    assert.equal(blocks["晚上学习"], "20:00–22:30");
    assert.equal(await app.exists('[data-testid="day-reset"]'), false);

    // A block added to the 25th only, in the half hour dinner left free, then the day reset.
    await app.click('[data-testid="day-add"]');
    await app.find('[data-testid="block-form"]');
    await app.type("#block-start", "17:30");
    await app.type("#block-end", "18:00");
    await app.type("#block-label", "答疑");
    await app.click('[data-action="save-block"]');
    await app.waitFor(async () => (await dayBlocks(app))["答疑"] === "17:30–18:00", { message: "the added block" });
    await app.click('[data-testid="day-reset"]');
    await app.click('[data-action="confirm-ok"]');
    await app.waitFor(async () => !(await app.exists('[data-testid="day-reset"]')), { message: "the 25th reset" });
    assert.equal((await dayBlocks(app))["答疑"], undefined);

    // The calendar export.
    await app.click('[data-action="export-calendar"]');
    await app.find('[data-testid="export-calendar"]');
    assert.equal(await app.value("#export-weeks"), "8");
    await app.click('[data-action="export-ics"]');
    const notice = await app.waitForText('[data-testid="plan-notice"]', (s) => s.length > 0, "the export message");
    assert.equal(notice, `已导出到 ${icsPath}`);
  });

  assert.ok(existsSync(icsPath), "the .ics file");
  const ics = readFileSync(icsPath, "utf8");
  assert.ok(ics.startsWith("BEGIN:VCALENDAR"), ics.slice(0, 40));
  assert.match(ics, /SUMMARY:散步/);

  // After a restart the 26th keeps its changes.
  await withApp(t, { now: NOW, dataDir }, async (app) => {
    await app.click('[data-nav="plan"]');
    await app.click('[data-tab="day"]');
    await app.find('[data-testid="day-view"]');
    await showDate(app, "2026-11-26");
    const blocks = await dayBlocks(app);
    assert.equal(blocks["散步 — 走一小时"], "19:00–20:00 skipped");
    assert.equal(blocks["晚上学习"], "20:30–22:30");
    assert.equal(blocks["晚饭"], "18:00–19:00");
  });
});

test("a preset applied on a day it does not cover says which template today keeps, and can take today too", async (t) => {
  // 2026-11-22 is a Sunday; the 考研 preset covers Monday to Saturday.
  await withApp(t, { now: "2026-11-22T10:00:00+08:00" }, async (app) => {
    await completeOnboarding(app);
    await app.click('[data-nav="plan"]');
    await app.find('[data-template="我的作息"]');
    await app.click('[data-action="presets"]');
    await app.click('[role="menu"] [data-preset="kaoyan"]');
    await app.find('[data-testid="confirm-dialog"]');
    await app.click('[data-action="confirm-ok"]');
    const hint = await app.waitForText('[data-testid="preset-not-today"]', (s) => s.length > 0, "the not-today hint");
    assert.match(hint, /“考研一天”不包括今天（周日），今天仍按“我的作息”安排。/);
    await app.screenshot("plan-preset-not-today");
    await app.click('[data-action="preset-today"]');
    await app.waitForText('[data-testid="plan-notice"]', (s) => s.includes("今天已改用“考研一天”"), "the done notice");
    assert.equal(await app.exists('[data-testid="preset-not-today"]'), false);
    // Today's day view now has the preset's evening walk; the Sunday template is unchanged.
    await app.click('[data-tab="day"]');
    await app.waitForText('[data-testid="day-view"]', (s) => s.includes("散步"), "the preset's blocks today");
    await app.click('[data-tab="week"]');
    assert.match(await app.text('[data-template="我的作息"]'), /我的作息\s*· 周日/);
  });
});
