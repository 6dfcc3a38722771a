// Study groups end to end: two real Daka windows (members A and B, each with its own data
// folder) and a real daka-server on 127.0.0.1. A creates a group and an invite; B opens the
// invite link (the OS hands it to a second launch, which single-instance forwards to the running
// Daka); B punches in and A's board shows it within seconds; A copies the 接龙 text (read back from
// the X clipboard) in Chinese and in English; B punches in while the server is down, the server
// comes back, and the punch-in arrives, on time.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { privateBus } from "./desktop_bus.mjs";
import { completeOnboarding, punchIn } from "./flows.mjs";
import { APP_BIN, ARTIFACTS, launch, tempDir } from "./harness.mjs";

const TARGET = process.env.CARGO_TARGET_DIR ?? "target";
const SERVER_BIN = process.env.DAKA_SERVER_BIN ?? join(TARGET, "debug", "daka-server");
const SHOTS = process.env.DAKA_SCREENSHOTS ?? null;
const PASSWORD = "correct horse battery";

/**
 * A zone where it is now between 08:00 and 20:00, so "today" is the same date for the apps and
 * the server and a punch-in now is before the default 22:30 deadline, whatever hour CI runs at.
 */
function daytimeZone() {
  for (const tz of ["Asia/Shanghai", "Europe/London", "America/New_York", "America/Los_Angeles"]) {
    const hour = Number(new Intl.DateTimeFormat("en-GB", { hour: "2-digit", hourCycle: "h23", timeZone: tz }).format(new Date()));
    if (hour >= 8 && hour < 20) return tz;
  }
  return "Asia/Shanghai";
}

/** daka-server on a fixed data folder, restartable on the same port (the apps keep its URL). */
function server() {
  const dataDir = mkdtempSync(join(tmpdir(), "daka-e2e-server-"));
  let child = null;
  let address = "127.0.0.1:0";
  return {
    async start() {
      child = spawn(SERVER_BIN, ["--listen", address, "--data-dir", dataDir, "--log", "info"], { stdio: ["ignore", "pipe", "pipe"] });
      let log = "";
      const started = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`daka-server did not start:\n${log}`)), 30_000);
        const onData = (chunk) => {
          log += chunk.toString();
          const m = log.match(/listening addr=(127\.0\.0\.1:\d+)/);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
      });
      address = await started;
      return `http://${address}`;
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((r) => child.on("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
    remove() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What the X clipboard holds now (the copying Daka serves it while it runs). */
function clipboardText() {
  return new Promise((ok, fail) =>
    execFile("xclip", ["-selection", "clipboard", "-o"], { encoding: "utf8", timeout: 15_000 }, (e, out, err) =>
      e ? fail(new Error(`xclip: ${e.message} ${err}`)) : ok(out),
    ),
  );
}

/** Waits until the clipboard holds text matching `re` (a click's copy lands a moment later). */
async function clipboardMatching(re, message) {
  const deadline = Date.now() + 15_000;
  let last = "";
  while (Date.now() < deadline) {
    last = await clipboardText().catch(() => "");
    if (re.test(last)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`clipboard never matched ${re} (${message}); last:\n${last}`);
}

/** Opens `url` the way the desktop does: a second launch with the link as its only argument. */
function openLink(app, bus, url) {
  return new Promise((ok, fail) =>
    execFile(
      APP_BIN,
      [url],
      {
        timeout: 30_000,
        env: {
          ...process.env,
          DAKA_DATA_DIR: app.dataDir,
          HOME: app.home,
          XDG_CONFIG_HOME: join(app.home, ".config"),
          XDG_DATA_HOME: join(app.home, ".local/share"),
          DBUS_SESSION_BUS_ADDRESS: bus,
        },
      },
      (e) => (e ? fail(e) : ok()),
    ),
  );
}

/** Fails with what the window shows, and a screenshot of it. */
async function expectText(app, css, predicate, message) {
  try {
    return await app.waitForText(css, predicate, message);
  } catch (e) {
    const file = await app.screenshot(message).catch(() => "none");
    e.message += `\n  page: ${(await app.pageText().catch(() => "")).slice(0, 1500)}\n  screenshot: ${file}`;
    throw e;
  }
}

async function shot(app, name) {
  if (!SHOTS) return;
  const file = await app.screenshot(name);
  execFile("cp", [file, join(SHOTS, `${name}.png`)], () => {});
}

async function signUp(app, { url, username, nickname }) {
  await app.click('[data-testid="nav-groups"]');
  await app.find('[data-testid="connect-form"]');
  await app.click('[data-mode="up"]');
  await app.type("#gr-server", url);
  await app.type("#gr-username", username);
  await app.type("#gr-password", PASSWORD);
  await app.type("#gr-nickname", nickname);
  await app.click('[data-action="connect"]');
  await app.find('[data-testid="account-line"]');
}

test("two members run a study group: invite link, board, 接龙 text in both languages, an offline punch-in", async (t) => {
  try {
    await groupFlow(t);
  } catch (e) {
    e.message += `\n  screenshots: ${ARTIFACTS}`;
    throw e;
  }
});

async function groupFlow(t) {
  const tz = daytimeZone();
  const srv = server();
  const url = await srv.start();
  const bus = await privateBus();
  const env = { DBUS_SESSION_BUS_ADDRESS: bus.address };
  const now = new Date().toISOString();
  const homeA = tempDir("daka-e2e-home-a-");
  const dataA = tempDir("daka-e2e-data-a-");
  const homeB = tempDir("daka-e2e-home-b-");
  const dataB = tempDir("daka-e2e-data-b-");
  let a = null;
  let b = null;
  t.after(async () => {
    await b?.quit();
    await a?.quit();
    await srv.stop();
    srv.remove();
    bus.stop();
  });

  // A: onboard, sign up, create the group, make an invite.
  a = await launch({ dataDir: dataA, home: homeA, now, tz, env });
  await completeOnboarding(a);
  await signUp(a, { url, username: "xiaoli", nickname: "小李" });
  assert.match(await a.text('[data-testid="token-file"]'), /daka|token/i, "no keychain here: the screen says where the token is");
  await a.click('[data-action="show-create"]');
  await a.type("#gr-group-name", "考研打卡小组");
  await a.click('[data-action="create-group"]');
  await a.find('[data-group="考研打卡小组"]');
  await a.click('[data-action="new-invite"]');
  const link = await a.text('[data-testid="invite-link"]');
  assert.match(link, /^daka:\/\/join\/[A-Z0-9-]+\?server=/);
  await a.click('[data-action="copy-invite"]');
  await clipboardMatching(/加入 Daka 小组“考研打卡小组”.*daka:\/\/join\//s, "the invite message");
  await shot(a, "groups-a-created");
  await a.quit();
  a = null;

  // B: onboard, sign up; the invite link opened by the desktop lands in B's join dialog.
  b = await launch({ dataDir: dataB, home: homeB, now, tz, env });
  await completeOnboarding(b);
  await signUp(b, { url, username: "xiaowang", nickname: "小王" });
  await openLink(b, bus.address, link);
  await b.find('[data-testid="invite-preview"]');
  assert.match(await b.text('[data-testid="invite-preview"]'), /考研打卡小组/);
  await b.click('[data-action="join-group"]');
  await b.find('[data-group="考研打卡小组"]');
  await b.click('[data-testid="nav-today"]');
  await punchIn(b, { minutes: "120" });
  await b.click('[data-testid="nav-groups"]');
  await expectText(b, '[data-testid="board-entries"]', (s) => s.includes("小王"), "B's own punch-in on B's board");
  await expectText(b, '[data-testid="sidebar-sync"]', (s) => s.includes("已同步"), "B synced");
  await shot(b, "groups-b-board");
  await b.quit();
  b = null;

  // A again (a restart: the account resumes from the token file): B is on the board.
  a = await launch({ dataDir: dataA, home: homeA, now, tz, env });
  await a.click('[data-testid="nav-groups"]');
  await expectText(a, '[data-testid="board-entries"]', (s) => s.includes("小王"), "B's punch-in on A's board");
  await a.click('[data-action="show-devices"]');
  await expectText(a, '[data-testid="device-list"]', (s) => s.includes("（这台电脑）"), "this computer in the device list");
  await a.click('[data-action="copy-jielong"]');
  const zh = await clipboardMatching(/打卡接龙/, "the Chinese 接龙 text");
  assert.match(zh, /考研打卡小组/);
  assert.match(zh, /1\. 小王 数学一 2h ✅/);
  assert.match(zh, /未打卡：小李/, "A has not punched in and is listed as not yet");
  await shot(a, "groups-a-board-zh");

  // The server goes down; B punches in more (offline), the server comes back, B syncs.
  await srv.stop();
  b = await launch({ dataDir: dataB, home: homeB, now, tz, env });
  await b.click('[data-testid="nav-today"]');
  await punchIn(b, { subject: "英语一", minutes: "90" });
  await b.click('[data-testid="nav-groups"]');
  await expectText(b, '[data-testid="sync-status"]', (s) => s.includes("离线") && s.includes("待发送"), "B offline with a punch-in waiting");
  await shot(b, "groups-b-offline");
  await srv.start();
  await b.click('[data-action="sync-now"]');
  await expectText(b, '[data-testid="sync-status"]', (s) => s.includes("已同步") && !s.includes("待发送"), "B synced after the restart");
  await b.quit();
  b = null;

  // A's board has both of B's subjects, still on time; in English too.
  await expectText(a, '[data-testid="board-entries"]', (s) => s.includes("英语一"), "B's offline punch-in on A's board");
  assert.match(await a.text('[data-testid="board-entries"]'), /按时/);
  await a.click('[data-action="copy-jielong"]');
  const zhAfter = await clipboardMatching(/英语一/, "the 接龙 text with the offline punch-in");
  assert.match(zhAfter, /^1\. 小王 .*数学一 2h.* ✅$/m);
  assert.match(zhAfter, /^1\. 小王 .*英语一 1h30m.* ✅$/m, "the punch-in made offline counts as on time");
  await a.click('[data-testid="nav-settings"]');
  await a.click('[data-lang="en"]');
  await a.click('[data-testid="nav-groups"]');
  await expectText(a, '[data-testid="jielong-text"]', (s) => s.includes("check-in"), "the English 接龙 text");
  await a.click('[data-action="copy-jielong"]');
  const en = await clipboardMatching(/check-in/, "the English 接龙 text");
  assert.match(en, /^[A-Z][a-z]{2} \d{1,2} · 考研打卡小组 check-in$/m);
  assert.match(en, /^1\. 小王 — .*数学一 2h.* ✅$/m);
  assert.match(en, /^Not yet: 小李$/m);
  await shot(a, "groups-a-board-en");
}
