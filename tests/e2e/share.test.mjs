// The Share screen in the real window: a streak card saved through the (scripted) save dialog
// is a real 1080×1440 picture, it follows the language, and "copy" puts the same PNG on the
// system clipboard (read back with xclip on the test's X display).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { inflateSync } from "node:zlib";

import { completeOnboarding, punchIn } from "./flows.mjs";
import { tempDir, withApp } from "./harness.mjs";

const NOW = "2026-11-25T11:30:00Z";

/** Decodes an 8-bit RGB/RGBA PNG far enough to look at its pixels. */
function decodePng(buf) {
  assert.ok(buf.length > 8 && buf.subarray(0, 8).equals(Buffer.from("89504e470d0a1a0a", "hex")), "a PNG signature");
  let at = 8;
  let header = null;
  const idat = [];
  while (at < buf.length) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString("latin1", at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    if (type === "IHDR") {
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8], color: data[9], interlace: data[12] };
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      break;
    }
    at += 12 + len;
  }
  assert.ok(header, "an IHDR chunk first");
  assert.equal(header.depth, 8, "8 bits per channel");
  assert.ok(header.color === 2 || header.color === 6, `RGB or RGBA (colour type ${header.color})`);
  assert.equal(header.interlace, 0, "not interlaced");
  const bpp = header.color === 6 ? 4 : 3;
  const stride = header.width * bpp;
  const raw = inflateSync(Buffer.concat(idat));
  assert.equal(raw.length, header.height * (stride + 1), "the pixel data fills the picture");
  // Undo the per-row filters (PNG spec §9).
  const pixels = Buffer.alloc(header.height * stride);
  for (let y = 0; y < header.height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? row[x - bpp] : 0;
      const b = up[x];
      const c = x >= bpp ? up[x - bpp] : 0;
      let v = src[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      row[x] = v & 0xff;
    }
  }
  return { ...header, bpp, pixels };
}

/** Checks a card PNG: its size, and that it is a picture rather than one flat colour. */
function assertCard(buf, width, height, what) {
  const png = decodePng(buf);
  assert.deepEqual([png.width, png.height], [width, height], `${what}: IHDR size`);
  const colours = new Set();
  let sum = 0;
  let sumSq = 0;
  const n = png.width * png.height;
  for (let i = 0; i < n; i++) {
    const o = i * png.bpp;
    const [r, g, b] = [png.pixels[o], png.pixels[o + 1], png.pixels[o + 2]];
    if (colours.size < 1000) colours.add((r << 16) | (g << 8) | b);
    const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    sum += lum;
    sumSq += lum * lum;
  }
  const sd = Math.sqrt(sumSq / n - (sum / n) ** 2);
  assert.ok(colours.size >= 50, `${what}: many colours, not a blank picture (${colours.size})`);
  assert.ok(sd > 4, `${what}: the brightness varies (standard deviation ${sd.toFixed(2)})`);
  if (png.bpp === 4) {
    let opaque = 0;
    for (let i = 0; i < n; i++) if (png.pixels[i * 4 + 3] === 255) opaque++;
    assert.ok(opaque / n > 0.99, `${what}: opaque`);
  }
}

/** Waits for the preview of a `width`×`height` card with no newer one on the way. */
async function previewOf(app, width, height) {
  await app.waitFor(
    () =>
      app.exec(
        `const i = document.querySelector('[data-testid=share-preview]');
         const busy = document.querySelector('[data-testid=share-screen] [aria-busy=true]');
         return !!i && !busy && i.complete && i.naturalWidth > 0 && i.dataset.width === arguments[0] && i.dataset.height === arguments[1];`,
        String(width),
        String(height),
      ),
    { message: `a ${width}×${height} preview` },
  );
}

/** The PNG on the X clipboard, asked for the way a paste into another program would. */
function clipboardPng() {
  return new Promise((ok, fail) =>
    execFile(
      "xclip",
      ["-selection", "clipboard", "-t", "image/png", "-o"],
      { encoding: "buffer", timeout: 15_000, maxBuffer: 64 * 1024 * 1024 },
      (e, stdout, stderr) => (e ? fail(new Error(`xclip: ${e.message} ${stderr}`)) : ok(stdout)),
    ),
  );
}

test("a streak card is saved and copied as a real 1080×1440 picture, in both languages", async (t) => {
  const work = tempDir("daka-e2e-share-");
  const cardPath = join(work, "card.png");

  await withApp(t, { now: NOW, env: { DAKA_TEST_SAVE_PATH: cardPath } }, async (app) => {
    await completeOnboarding(app);
    await punchIn(app, { minutes: "95", note: "线代第三章，错题整理完毕" });

    await app.click('[data-nav="share"]');
    await app.find('[data-testid="share-screen"]');
    await app.click('[data-kind="streak"]');
    await app.click('[data-size="square"]');
    await previewOf(app, 1080, 1080);
    await app.click('[data-size="portrait"]');
    await previewOf(app, 1080, 1440);
    assert.equal(await app.value("#share-date"), "2026-11-25");
    assert.equal(
      await app.exec("return document.querySelector('[data-kind=streak]').getAttribute('aria-pressed')"),
      "true",
    );

    await app.click('[data-action="share-export"]');
    const saved = await app.waitForText('[data-testid="share-status"]', (s) => s.startsWith("已保存到"), "the saved message");
    assert.match(saved, new RegExp(`^已保存到 ${cardPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}（1080 × 1440，\\d+ KB）$`));
    const chinese = readFileSync(cardPath);
    assertCard(chinese, 1080, 1440, "the Chinese card");

    // English: the same choices come back (remembered), and the card is drawn in English.
    await app.click('[data-nav="settings"]');
    await app.click('[data-lang="en"]');
    await app.waitForText("nav", (s) => s.includes("Share") && s.includes("Settings"), "English navigation");
    await app.click('[data-nav="share"]');
    await app.find('[data-testid="share-screen"]');
    await previewOf(app, 1080, 1440);
    assert.equal(
      await app.exec("return document.querySelector('[data-kind=streak]').getAttribute('aria-pressed')"),
      "true",
    );
    await app.click('[data-action="share-export"]');
    await app.waitForText('[data-testid="share-status"]', (s) => s.startsWith(`Saved to ${cardPath} (1080 × 1440, `), "the English saved message");
    const english = readFileSync(cardPath);
    assertCard(english, 1080, 1440, "the English card");
    assert.ok(!english.equals(chinese), "the English card differs from the Chinese one");

    await app.click('[data-action="share-copy"]');
    await app.waitForText('[data-testid="share-status"]', (s) => s === "Copied — paste it straight into WeChat", "the copied message");
    const pasted = await clipboardPng();
    assertCard(pasted, 1080, 1440, "the copied card");

    // Any past day opens from its statistics panel.
    await app.click('[data-nav="stats"]');
    await app.click('[data-testid="heatmap"] rect[data-date="2026-11-24"]');
    await app.waitForText('[data-testid="day-panel"] h3', (s) => s.includes("24 November"), "the day panel");
    await app.click('[data-action="share-day"]');
    await app.find('[data-testid="share-screen"]');
    assert.equal(await app.value("#share-date"), "2026-11-24");
    await previewOf(app, 1080, 1440);
  });
});
