// Steps several end-to-end tests share.
import zlib from "node:zlib";

/** Walks through onboarding with the defaults, typing the exam. */
export async function completeOnboarding(app, { examName = "2027 考研", examDate = "2026-12-26" } = {}) {
  await app.type("#exam-name", examName);
  await app.type("#exam-date", examDate);
  await app.click('[data-action="next"]');
  await app.find('h2[data-step="1"]');
  await app.click('[data-action="next"]');
  await app.find('h2[data-step="2"]');
  await app.click('[data-action="next"]');
  await app.find('h2[data-step="3"]');
  await app.click('[data-action="finish"]');
  await app.find('[data-testid="countdown"]');
}

/** Opens the punch-in form, types minutes for one subject, saves, waits for Today to update. */
export async function punchIn(app, { subject = "数学一", minutes = "60", note = "", date } = {}) {
  await app.click('[data-action="punch-in"]');
  await app.find('[data-testid="punch-dialog"]');
  if (date) await app.click(`[data-choice="${date}"]`);
  await app.type(`[data-subject="${subject}"]`, minutes);
  if (note) await app.type("#punch-note", note);
  await app.click('[data-action="save-punch-in"]');
  await app.waitFor(async () => !(await app.exists('[data-testid="punch-dialog"]')), { message: "the form to close" });
  await app.find('[data-testid="punched"]');
}

/** The streak number on the punch-in card. */
export async function streak(app) {
  return Number(await app.text('[data-testid="streak-current"]'));
}

/** A real PNG of `width`×`height` in one colour (Node's zlib; no image library needed). */
export function pngBytes(width, height, [r, g, b] = [14, 127, 113], { claimOnly = false } = {}) {
  const { deflateSync, crc32 } = zlib;
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [Buffer.from("89504e470d0a1a0a", "hex"), chunk("IHDR", ihdr)];
  if (claimOnly) {
    // Only the header: what a decompression bomb shows before any pixel is decoded.
    parts.push(chunk("IDAT", Buffer.alloc(0)));
  } else {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3);
    parts.push(chunk("IDAT", deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))));
  }
  parts.push(chunk("IEND", Buffer.alloc(0)));
  return Buffer.concat(parts);
}
