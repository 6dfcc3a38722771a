// Focus mode in the real window. The wall clock is pinned (DAKA_NOW) for the study day; the
// timer runs on the real boot-time clock, so these tests wait real seconds.
//
// 1. A one-minute pomodoro with a subject: the timer ticks, Daka restarts mid-session and
//    resumes with the right remaining time, the session ends by itself, and its minute shows on
//    Today, in the statistics' day panel, and pre-fills the punch-in form.
// 2. A strict session: no stop or pause button, and stop/pause requests are refused.
// 3. App blocking: a renamed copy of `sleep` on the user's blocklist is ended within a few
//    seconds of starting, and the session's summary counts it.
// 4. Website blocking through a real daka-blockd (unprivileged, its root a temp folder): the
//    hosts section appears when the session starts and the file is byte-identical after a stop.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";

import { completeOnboarding } from "./flows.mjs";
import { APP_BIN, tempDir, withApp } from "./harness.mjs";

const NOW = "2026-11-25T11:30:00Z"; // 19:30 in Asia/Shanghai
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** "0:59" → 59 (seconds); "1:02:03" → 3723. */
function seconds(text) {
  return text
    .trim()
    .split(":")
    .reduce((acc, part) => acc * 60 + Number(part), 0);
}

async function setChecked(app, testid, on) {
  await app.exec(
    `const box = document.querySelector('[data-testid="${testid}"]');
     if (box.checked !== arguments[0]) box.click();`,
    on,
  );
}

async function chooseSubject(app, name) {
  await app.find('[data-testid="focus-subject"]');
  await app.exec(
    `const s = document.querySelector('[data-testid="focus-subject"]');
     const o = [...s.options].find((o) => o.text.includes(arguments[0]));
     s.value = o.value;
     s.dispatchEvent(new Event('change', { bubbles: true }));`,
    name,
  );
}

/** The same IPC the UI uses, from the page; resolves to {ok, value} or {ok: false, failure}
 *  (not `error`: the harness reads an `error` key in a script's result as a WebDriver error). */
function ipc(app, cmd, args = {}) {
  return app.exec(
    `return window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
       .then((value) => ({ ok: true, value }), (failure) => ({ ok: false, failure }));`,
    cmd,
    args,
  );
}

test("a one-minute pomodoro ticks, resumes after a restart and lands on Today and in the punch-in form", async (t) => {
  const dataDir = tempDir("daka-e2e-focus-");
  let startedAt = 0;
  await withApp(t, { now: NOW, dataDir }, async (app) => {
    await completeOnboarding(app);
    await app.click('[data-testid="nav-focus"]');
    await app.click('[data-testid="focus-mode-pomodoro"]');
    await app.type('[data-testid="focus-work-min"]', "1");
    await app.type('[data-testid="focus-rounds"]', "1");
    await chooseSubject(app, "数学一");
    await setChecked(app, "focus-strict", false);
    await setChecked(app, "focus-block-sites", false);
    await setChecked(app, "focus-overlay", false);
    await app.click('[data-testid="focus-start"]');
    startedAt = Date.now();
    const first = await app.waitForText('[data-testid="focus-timer"]', (s) => /^\d+:\d\d$/.test(s.trim()));
    assert.ok(seconds(first) <= 60 && seconds(first) >= 55, `timer at start: ${first}`);
    assert.match(await app.text('[data-testid="focus-phase"]'), /专注/);
    await sleep(2500);
    const later = await app.text('[data-testid="focus-timer"]');
    assert.ok(seconds(later) < seconds(first), `the timer ticks: ${first} → ${later}`);
  });

  // Daka quits mid-session and starts again: the session resumes where the clock says.
  await withApp(t, { now: NOW, dataDir }, async (app) => {
    await app.click('[data-testid="nav-focus"]');
    const text = await app.waitForText('[data-testid="focus-timer"]', (s) => /^\d+:\d\d$/.test(s.trim()));
    const expected = 60 - (Date.now() - startedAt) / 1000;
    assert.ok(Math.abs(seconds(text) - expected) <= 3, `resumed at ${text}, expected about ${expected.toFixed(1)} s`);

    const summary = await app.find('[data-testid="focus-summary"]', { timeout: 75_000 });
    assert.ok(summary);
    const summaryText = await app.text('[data-testid="focus-summary"]');
    assert.match(summaryText, /1 分钟/);
    assert.match(summaryText, /数学一/);
    const sessions = await app.exec(
      `return document.querySelectorAll('[data-testid="focus-sessions"] [data-testid="focus-session"]').length`,
    );
    assert.equal(sessions, 1);
    // The form under the summary starts on that session's subject, not on "no subject".
    const next = await app.exec(`const s = document.querySelector('[data-testid="focus-subject"]'); return s.options[s.selectedIndex].text`);
    assert.match(next, /数学一/, "the next session starts on the last session's subject");

    // The statistics' day panel lists the session too.
    await app.click('[data-nav="stats"]');
    await app.click('[data-testid="heatmap"] rect[data-date="2026-11-25"]');
    await app.waitForText('[data-testid="day-focus"]', (s) => s.includes("专注 1 次，共 1 分钟") && s.includes("数学一"), "the day panel's focus line");

    await app.click('[data-testid="nav-today"]');
    await app.waitForText('[data-testid="today-focus-minutes"]', (s) => /1 分钟/.test(s), "Today shows the focus minute");
    await app.click('[data-action="punch-in"]');
    await app.find('[data-testid="punch-dialog"]');
    await app.waitFor(async () => (await app.value('[data-subject="数学一"]')) === "1", {
      message: "the punch-in form pre-fills 数学一 with the focus minute",
    });
  });
});

test("a strict session has no stop and refuses stop and pause requests", async (t) => {
  await withApp(t, { now: NOW }, async (app) => {
    await completeOnboarding(app);
    await app.click('[data-testid="nav-focus"]');
    await app.click('[data-testid="focus-mode-countdown"]');
    await app.type('[data-testid="focus-countdown-min"]', "5");
    await setChecked(app, "focus-strict", true);
    await setChecked(app, "focus-block-sites", false);
    await setChecked(app, "focus-overlay", false);
    await app.click('[data-testid="focus-start"]');
    await app.waitForText('[data-testid="focus-timer"]', (s) => /^[45]:\d\d$/.test(s.trim()));
    assert.equal(await app.exists('[data-testid="focus-stop"]'), false, "no stop button");
    assert.equal(await app.exists('[data-testid="focus-pause"]'), false, "no pause button");
    assert.ok(await app.exists('[data-testid="focus-show-code"]'), "the emergency exit is offered");
    for (const cmd of ["focus_stop", "focus_pause"]) {
      const r = await ipc(app, cmd);
      assert.equal(r.ok, false, `${cmd} is refused`);
      assert.equal(r.failure.kind, "conflict");
      assert.match(r.failure.message, /严格模式下不能暂停或结束/);
    }
    // Still running.
    const status = await ipc(app, "focus_status");
    assert.equal(status.value.running.view.strict, true);
    assert.equal(status.value.running.view.finished, false);
  });
});

test("a blocklisted app is ended during a session and counted in the summary", async (t) => {
  const dir = tempDir("daka-e2e-distraction-");
  const exe = join(dir, "daka-e2e-distraction");
  copyFileSync("/bin/sleep", exe);
  await withApp(t, { now: NOW }, async (app) => {
    await completeOnboarding(app);
    await app.click('[data-testid="nav-focus"]');
    await app.type('[data-testid="focus-blocklist-apps"]', "daka-e2e-distraction");
    await app.click('[data-testid="focus-blocklist-save"]');
    await app.waitFor(
      async () => (await ipc(app, "focus_settings")).value?.settings.apps.includes("daka-e2e-distraction"),
      { message: "the blocklist to be saved" },
    );
    await app.click('[data-testid="focus-mode-countdown"]');
    await app.type('[data-testid="focus-countdown-min"]', "5");
    await setChecked(app, "focus-strict", false);
    await setChecked(app, "focus-block-apps", true);
    await setChecked(app, "focus-block-sites", false);
    await setChecked(app, "focus-overlay", false);
    await app.click('[data-testid="focus-start"]');
    await app.find('[data-testid="focus-timer"]');

    const started = Date.now();
    const child = spawn(exe, ["600"], { stdio: "ignore" });
    const died = await new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const lived = (Date.now() - started) / 1000;
    assert.equal(died.signal, "SIGTERM", "ended by the watcher's SIGTERM");
    assert.ok(lived < 5, `lived ${lived.toFixed(2)} s`);

    await app.waitForText('[data-testid="focus-blocked"]', (s) => s.includes("daka-e2e-distraction"), "the live block count");
    await app.click('[data-testid="focus-stop"]');
    // The stop asks for confirmation through Daka's own dialog.
    await app.click('[data-action="confirm-ok"]');
    await app.waitForText('[data-testid="focus-summary"]', (s) => s.includes("daka-e2e-distraction"), "the summary");
  });
});

test("a session with website blocking writes the hosts section through daka-blockd and removes it when stopped", async (t) => {
  // An unprivileged daemon whose root is a temp folder: it writes ROOT/etc/hosts, never /etc.
  const root = tempDir("daka-e2e-blockd-");
  mkdirSync(join(root, "etc"), { recursive: true });
  const original = "127.0.0.1 localhost\n::1 localhost\n";
  writeFileSync(join(root, "etc/hosts"), original);
  const socket = join(root, "blockd.sock");
  const daemon = spawn(join(dirname(APP_BIN), "daka-blockd"), ["serve", "--root", root, "--socket", socket, "--no-dns-flush"], {
    stdio: "ignore",
  });
  t.after(() => daemon.kill());
  const hosts = () => readFileSync(join(root, "etc/hosts"), "utf8");

  await withApp(t, { now: NOW, env: { DAKA_BLOCKD_SOCKET: socket } }, async (app) => {
    await completeOnboarding(app);
    await app.click('[data-testid="nav-focus"]');
    await app.waitFor(async () => (await ipc(app, "blocker_status")).value?.helper === "ready", {
      message: "the helper to answer",
    });
    await app.click('[data-testid="focus-mode-countdown"]');
    await app.type('[data-testid="focus-countdown-min"]', "5");
    await setChecked(app, "focus-strict", false);
    await setChecked(app, "focus-block-apps", false);
    await setChecked(app, "focus-block-sites", true);
    await setChecked(app, "focus-overlay", false);
    await app.click('[data-testid="focus-start"]');
    await app.waitFor(() => hosts().includes("0.0.0.0 bilibili.com"), { message: "the hosts section", timeout: 10_000 });
    assert.ok(hosts().startsWith(original), "the original lines are kept as they were");
    assert.match(hosts(), /:: www\.bilibili\.com/);
    const status = (await ipc(app, "blocker_status")).value;
    assert.equal(status.helper, "blocking");
    assert.equal(status.layers.hosts, "active");
    await app.waitForText('[data-testid="focus-layers"]', (s) => /hosts/.test(s), "the layers panel names the hosts file");

    await app.click('[data-testid="focus-stop"]');
    await app.click('[data-action="confirm-ok"]');
    await app.find('[data-testid="focus-summary"]');
    await app.waitFor(() => hosts() === original, { message: "the hosts file back to its original bytes", timeout: 10_000 });
  });
});

test("without the helper the Focus screen offers the one-time install through pkexec", async (t) => {
  // A stand-in pkexec on PATH records what it was asked to run (the real one would ask for an
  // administrator's password, which no test can answer).
  const bin = tempDir("daka-e2e-pkexec-");
  const record = join(bin, "args");
  writeFileSync(join(bin, "pkexec"), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\nexit 0\n`, { mode: 0o755 });
  const env = { PATH: `${bin}:${process.env.PATH}`, DAKA_BLOCKD_SOCKET: join(bin, "absent.sock") };
  await withApp(t, { now: NOW, env }, async (app) => {
    await completeOnboarding(app);
    await app.click('[data-testid="nav-focus"]');
    await app.waitForText('[data-testid="focus-layers"]', (s) => s.includes("daka-blockd"), "the helper named");
    await app.click('[data-testid="focus-install-helper"]');
    await app.waitFor(() => {
      try {
        return readFileSync(record, "utf8");
      } catch {
        return null;
      }
    }, { message: "pkexec to be run" });
    const [helper, verb] = readFileSync(record, "utf8").trim().split("\n");
    assert.equal(verb, "install");
    assert.match(helper, /daka-blockd$/);
  });
});
