// `make bench`, share cards: in-process render + encode per template (daka-card's card_bench),
// then a one-shot command-line export next to a headless Chromium screenshot of an equivalent
// HTML page (the same SVG inline, the same bundled fonts via @font-face), side by side with the
// ratio, and the binary-size cost of the renderer and fonts. Figures only, never pass/fail.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, statSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const TARGET = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
const EXAMPLES = join(TARGET, "release", "examples");
const BENCH = join(EXAMPLES, "card_bench");
const BASELINE = join(EXAMPLES, "size_baseline");
const FONTS = join(ROOT, "crates", "daka-card", "fonts");
const RUNS = Number(process.env.DAKA_CARD_RUNS ?? 10);

const dir = mkdtempSync(join(tmpdir(), "daka-card-bench-"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (f) => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

console.log(execFileSync(BENCH, ["30"]).toString().trimEnd());

// The same card as SVG, wrapped in HTML with the bundled fonts.
const svgPath = join(dir, "card.svg");
execFileSync(BENCH, ["svg", svgPath]);
const svg = readFileSync(svgPath, "utf8");
const face = (file, weight) =>
  `@font-face { font-family: "Noto Sans CJK SC"; font-weight: ${weight}; src: url("file://${join(FONTS, file)}"); }`;
const html = `<!doctype html><meta charset="utf-8"><style>${face("NotoSansCJKsc-Regular-subset.otf", 400)}
${face("NotoSansCJKsc-Bold-subset.otf", 700)} html, body { margin: 0; } svg { display: block; }</style>${svg}`;
const htmlPath = join(dir, "card.html");
writeFileSync(htmlPath, html);

const oneshot = [];
for (let i = 0; i < RUNS; i++) oneshot.push(ms(() => execFileSync(BENCH, ["oneshot", join(dir, "card.png")])));

const chromium = ["chromium", "chromium-browser", "google-chrome"].find(
  (c) => spawnSync("sh", ["-c", `command -v ${c}`]).status === 0,
);
const browser = [];
if (chromium) {
  for (let i = 0; i < Math.max(3, Math.floor(RUNS / 2)); i++) {
    browser.push(
      ms(() =>
        execFileSync(chromium, [
          "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
          `--user-data-dir=${join(dir, "chromium-profile")}`,
          `--screenshot=${join(dir, "chromium.png")}`, "--window-size=1080,1440",
          `file://${htmlPath}`,
        ], { stdio: "ignore" }),
      ),
    );
  }
}
const a = median(oneshot);
console.log(`\none-shot export, whole process (fonts, build, render, PNG, write)   median ${a.toFixed(0)} ms (${RUNS} runs)`);
if (browser.length) {
  const b = median(browser);
  console.log(`headless Chromium screenshot of the same card as HTML              median ${b.toFixed(0)} ms (${browser.length} runs)`);
  console.log(`ratio: Daka is ${(b / a).toFixed(1)}× faster   (goal ≥ 25×)`);
} else {
  console.log("headless Chromium: not installed (Debian package chromium) — no side-by-side");
}

// Sizes of stripped copies (the release profile keeps symbols for backtraces).
const stripped = (p) => {
  const copy = join(dir, `stripped-${p.split("/").pop()}`);
  execFileSync("cp", [p, copy]);
  spawnSync("strip", [copy]);
  return copy;
};
const size = (p) => statSync(p).size / 1_048_576;
const fonts = size(join(FONTS, "NotoSansCJKsc-Regular-subset.otf")) + size(join(FONTS, "NotoSansCJKsc-Bold-subset.otf"));
console.log(
  `\nbinary size (release, stripped): card_bench ${size(stripped(BENCH)).toFixed(1)} MB vs a std-only ` +
    `example ${size(stripped(BASELINE)).toFixed(1)} MB → renderer + fonts cost ` +
    `${(size(stripped(BENCH)) - size(stripped(BASELINE))).toFixed(1)} MB, of which fonts ${fonts.toFixed(1)} MB`,
);
