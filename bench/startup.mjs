// `make bench`: Daka's start-up time and idle memory under Xvfb, next to a bare Tauri window.
//
// For each run it launches the release binary with a fresh temporary data folder and measures,
// from the moment of spawn:
//   page loaded  – WebKit finished loading the page (both apps log it),
//   first paint  – Daka's UI has painted its first real screen (Daka only: the UI reports it
//                  two animation frames after mounting, and the app logs it),
// then waits until the app is idle and sums the proportional set size (PSS) of the app and all
// of its WebKit helper processes. Figures are printed, never judged. Goals from the issue:
// first paint ≤ 1.0 s, idle PSS ≤ 300 MB.
//
//   DAKA_BENCH_TARGET=target/release DAKA_BENCH_RUNS=5 xvfb-run -a node bench/startup.mjs
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const target = resolve(process.env.DAKA_BENCH_TARGET ?? "target/release");
const runs = Number(process.env.DAKA_BENCH_RUNS ?? 5);
const IDLE_MS = 4000;
const TIMEOUT_MS = 30_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** pid → parent pid, for every process we can see. */
function processTree() {
  const parents = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // exited meanwhile
    }
  }
  return parents;
}

function descendants(root) {
  const parents = processTree();
  const out = [root];
  for (let i = 0; i < out.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === out[i]) out.push(pid);
  }
  return out;
}

function pssKiB(pid) {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Launches `bin` with a fresh data folder, waits for the log lines, measures, kills. */
async function measure(bin, markers, home, extraEnv) {
  const data = mkdtempSync(join(tmpdir(), "daka-bench-"));
  const env = {
    ...process.env,
    ...extraEnv,
    DAKA_DATA_DIR: data,
    DAKA_LOG: "info",
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_DATA_HOME: join(home, ".local/share"),
    DBUS_SESSION_BUS_ADDRESS: "disabled:",
    LANG: "zh_CN.UTF-8",
  };
  const t0 = performance.now();
  const child = spawn(bin, [], { env, stdio: ["ignore", "ignore", "pipe"] });
  const seen = {};
  let log = "";
  const done = new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`timeout; log:\n${log.slice(-2000)}`)), TIMEOUT_MS);
    child.stderr.on("data", (chunk) => {
      log += chunk;
      for (const [name, re] of Object.entries(markers)) {
        if (seen[name] === undefined && re.test(log)) seen[name] = performance.now() - t0;
      }
      if (Object.keys(markers).every((m) => seen[m] !== undefined)) {
        clearTimeout(timer);
        ok();
      }
    });
    child.on("exit", (code) => fail(new Error(`exited early with ${code}; log:\n${log.slice(-2000)}`)));
  });
  try {
    await done;
    await sleep(IDLE_MS);
    const pids = descendants(child.pid);
    const pss = pids.reduce((sum, pid) => sum + pssKiB(pid), 0);
    const reported = /first paint.*?ms=([\d.]+)/.exec(log)?.[1];
    return { ...seen, reported: reported ? Number(reported) : undefined, pssMiB: pss / 1024, procs: pids.length };
  } finally {
    child.kill("SIGTERM");
    await Promise.race([new Promise((r) => child.once("exit", r)), sleep(3000)]);
    child.kill("SIGKILL");
    rmSync(data, { recursive: true, force: true });
  }
}

const median = (xs) => {
  const s = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : undefined;
};
const fmt = (x, digits = 0) => (x === undefined ? "—" : x.toFixed(digits));

const dakaMarkers = { pageLoaded: /page loaded/, firstPaint: /first paint/ };
const scenarios = [
  { name: "daka", bin: join(target, "daka"), markers: dakaMarkers, env: {} },
  // WebKit's default (GPU compositing, llvmpipe without a GPU): what Daka turns off.
  { name: "daka DAKA_GPU=1", bin: join(target, "daka"), markers: dakaMarkers, env: { DAKA_GPU: "1" } },
  {
    name: "bare Tauri window",
    bin: join(target, "examples", "bare_window"),
    markers: { pageLoaded: /bare page loaded/ },
    env: {},
  },
];

console.log(`Daka start-up benchmark: ${runs} runs each, Xvfb display ${process.env.DISPLAY ?? "?"}`);
console.log(`binaries from ${target}\n`);
const summary = [];
for (const s of scenarios) {
  if (!existsSync(s.bin)) {
    console.log(`${s.name}: ${s.bin} not built, skipped`);
    continue;
  }
  // One user profile per scenario: the first run meets empty caches (a new user's first
  // start), the others a warm profile, as every later start does. Each run gets a fresh data
  // folder, so Daka always shows its first screen (onboarding).
  const home = mkdtempSync(join(tmpdir(), "daka-bench-home-"));
  const cold = await measure(s.bin, s.markers, home, s.env);
  console.log(
    `${s.name.padEnd(20)} cold : page loaded ${fmt(cold.pageLoaded).padStart(5)} ms   ` +
      `first paint ${fmt(cold.firstPaint).padStart(5)} ms   (empty caches)`,
  );
  const results = [];
  for (let i = 0; i < runs; i++) {
    const r = await measure(s.bin, s.markers, home, s.env);
    results.push(r);
    console.log(
      `${s.name.padEnd(20)} run ${i + 1}: page loaded ${fmt(r.pageLoaded).padStart(5)} ms   ` +
        `first paint ${fmt(r.firstPaint).padStart(5)} ms   idle PSS ${fmt(r.pssMiB, 1).padStart(6)} MiB (${r.procs} processes)`,
    );
  }
  rmSync(home, { recursive: true, force: true });
  summary.push({
    name: s.name,
    coldPaint: cold.firstPaint ?? cold.pageLoaded,
    pageLoaded: median(results.map((r) => r.pageLoaded)),
    firstPaint: median(results.map((r) => r.firstPaint)),
    reported: median(results.map((r) => r.reported)),
    pss: median(results.map((r) => r.pssMiB)),
  });
}

console.log("\nmedians of the warm runs (spawn → event), and the cold first start:");
console.log("scenario              page loaded   first paint   idle PSS     cold start");
for (const s of summary) {
  console.log(
    `${s.name.padEnd(20)}  ${fmt(s.pageLoaded).padStart(8)} ms   ${fmt(s.firstPaint).padStart(8)} ms   ` +
      `${fmt(s.pss, 1).padStart(6)} MiB   ${fmt(s.coldPaint).padStart(6)} ms`,
  );
}
const daka = summary.find((s) => s.name === "daka");
const bare = summary.find((s) => s.name.startsWith("bare"));
if (daka && bare) {
  console.log(
    `\nDaka over a bare window: page load ${fmt(daka.pageLoaded - bare.pageLoaded)} ms, ` +
      `idle memory ${fmt(daka.pss - bare.pss, 1)} MiB. Goals: first paint ≤ 1000 ms, idle PSS ≤ 300 MB.`,
  );
}
