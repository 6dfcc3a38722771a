// The group board web page in real Chromium (Debian's, driven by playwright-core) with
// JavaScript turned off: a member signs in through the form and reads today's board, with the
// photos another member shares, and its 接龙 text, in Chinese and in English. Screenshots go to $DAKA_SCREENSHOTS (or a temp dir).
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { PASSWORD, api, push, signUp, startServer } from "./server.mjs";

const require = createRequire(new URL("../../ui/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const SHOTS = process.env.DAKA_SCREENSHOTS ?? join(tmpdir(), "daka-server-page");
mkdirSync(SHOTS, { recursive: true });

let server;
let browser;
let groupId;

function todayInShanghai() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
}

/** A real JPEG of a coloured card (Chromium draws and encodes it), as a study photo stands in. */
async function photoJpeg(color, label) {
  const page = await browser.newPage({ viewport: { width: 480, height: 360 } });
  await page.setContent(
    `<body style="margin:0"><div style="width:480px;height:360px;display:grid;place-items:center;background:${color};color:#fff;font:bold 64px sans-serif">${label}</div></body>`,
  );
  const bytes = await page.screenshot({ type: "jpeg", quality: 80 });
  await page.close();
  return bytes;
}

async function uploadPhoto(token, bytes) {
  const id = crypto.randomUUID();
  const r = await fetch(`${server.url}/v1/photos/${id}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "image/jpeg" },
    body: bytes,
  });
  assert.equal(r.status, 201, await r.text());
  return id;
}

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  server = await startServer();
  const li = await signUp(server.url, "xiaoli", "小李");
  const wang = await signUp(server.url, "xiaowang", "小王");
  const zhang = await signUp(server.url, "xiaozhang", "小张");
  const group = await api(server.url, li.token)("POST", "/v1/groups", { name: "考研冲刺", tz: "Asia/Shanghai", deadline: "22:30" });
  groupId = group.id;
  const invite = await api(server.url, li.token)("POST", `/v1/groups/${groupId}/invites`, { max_uses: 10, expires_in_hours: 24 });
  await api(server.url, wang.token)("POST", "/v1/groups/join", { code: invite.code, share: { note: true, mood: true, photos: true, exact_times: true } });
  await api(server.url, zhang.token)("POST", "/v1/groups/join", { code: invite.code });
  const math = crypto.randomUUID();
  const english = crypto.randomUUID();
  const date = todayInShanghai();
  const minutesAgo = (m) => new Date(Date.now() - m * 60_000).toISOString();
  const punch = (minutes, note, created, photos = []) => ({
    type: "punch_in",
    id: crypto.randomUUID(),
    body: { date, created_utc: created, tz: "Asia/Shanghai", minutes, note, mood: "good", photos },
  });
  const photos = [
    await uploadPhoto(wang.token, await photoJpeg("#4c6ef5", "真题")),
    await uploadPhoto(wang.token, await photoJpeg("#e8590c", "单词")),
  ];
  await push(server.url, wang.token, [
    { type: "subject", id: math, body: { name: "数学一", color: "#4c6ef5" } },
    { type: "subject", id: english, body: { name: "英语一", color: "#e8590c" } },
    punch([{ subject_id: math, minutes: 120 }, { subject_id: english, minutes: 90 }], "<b>真题</b> 做完了", minutesAgo(2), photos),
  ]);
  const politics = crypto.randomUUID();
  await push(server.url, li.token, [
    { type: "subject", id: politics, body: { name: "政治", color: "#2f9e44" } },
    punch([{ subject_id: politics, minutes: 45 }], "不分享的备注", minutesAgo(1)),
  ]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedInPage(locale) {
  const context = await browser.newContext({ javaScriptEnabled: false, locale, viewport: { width: 412, height: 900 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  page.photoAnswers = [];
  page.on("response", (r) => {
    if (r.url().includes("/photos/")) page.photoAnswers.push([r.status(), r.headers()["content-type"]]);
  });
  await page.goto(server.url + "/");
  await page.fill("input[name=username]", "xiaoli");
  await page.fill("input[name=password]", PASSWORD);
  await page.click("button[type=submit]");
  return page;
}

test("a member reads today's board and the 接龙 text in Chinese, without JavaScript", async () => {
  const page = await signedInPage("zh-CN");
  assert.match(await page.textContent("h1"), /小李，你好/);
  await page.click("text=考研冲刺");
  const text = await page.textContent("main");
  assert.match(text, /1\.\s*小王/);
  assert.match(text, /数学一 2h/);
  assert.match(text, /英语一 1h30m/);
  assert.match(text, /<b>真题<\/b> 做完了/, "a shared note is shown as text, never as HTML");
  assert.doesNotMatch(text, /不分享的备注/, "a note the member does not share stays private");
  assert.match(text, /未打卡：小张/);
  const thumbs = await page.$$("li img[alt='小王的打卡照片']");
  assert.equal(thumbs.length, 2, "小王's two shared photos are on the board");
  await page.waitForLoadState("networkidle");
  assert.deepEqual(page.photoAnswers, [[200, "image/jpeg"], [200, "image/jpeg"]], "both load in the member's browser");
  const relay = await page.textContent("pre");
  assert.match(relay, /考研冲刺 打卡接龙/);
  assert.match(relay, /1\. 小王 数学一 2h 英语一 1h30m ✅/);
  await page.screenshot({ path: join(SHOTS, "board-zh.png"), fullPage: true });
  await page.context().close();
});

test("the same board in English, and yesterday's is one link away", async () => {
  const page = await signedInPage("en-US");
  await page.click("text=考研冲刺");
  const text = await page.textContent("main");
  assert.match(text, /Check-in order/);
  assert.match(text, /Not yet: 小张/);
  assert.match(await page.textContent("pre"), /check-in/);
  await page.screenshot({ path: join(SHOTS, "board-en.png"), fullPage: true });
  await page.click("nav.days a");
  assert.match(await page.textContent("main"), /Nobody has punched in yet/);
  await page.context().close();
});

test("a signed-out browser sees the sign-in form, and another group's page is not found", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: "zh-CN" });
  const page = await context.newPage();
  await page.goto(`${server.url}/web/groups/${groupId}`);
  assert.ok(await page.isVisible("input[name=password]"));
  await page.fill("input[name=username]", "xiaoli");
  await page.fill("input[name=password]", "wrong password");
  await page.click("button[type=submit]");
  assert.match(await page.textContent("[role=alert]"), /用户名或密码不对/);
  await page.screenshot({ path: join(SHOTS, "sign-in-error-zh.png"), fullPage: true });
  const response = await page.goto(`${server.url}/web/groups/${crypto.randomUUID()}`);
  assert.equal(response.url(), `${server.url}/`, "not signed in: back to the form");
  await context.close();
});
