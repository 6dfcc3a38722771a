// A small WebDriver harness for Daka's real window, with no npm dependencies.
//
// Each launch starts its own WebKitWebDriver (WebKitGTK's driver, from Debian's
// webkit2gtk-driver) on a free port with the environment the test chooses: a fresh temporary
// DAKA_DATA_DIR, a pinned DAKA_NOW, a locale and time zone, and private HOME/XDG folders so
// nothing touches the user's files. The driver launches the app binary itself (the binary must
// be built with the `pinned-clock` feature and `tauri/custom-protocol`). Run the tests under
// Xvfb: `xvfb-run -a node --test tests/e2e/`.

import { execFile, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
const TARGET = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
export const APP_BIN = process.env.DAKA_APP_BIN ?? join(TARGET, "debug", "daka");
const DEFAULT_TIMEOUT_MS = 15_000;

/** Screenshots of failing tests go here (never into the repository). */
export const ARTIFACTS = mkdtempSync(join(tmpdir(), "daka-e2e-artifacts-"));

export function tempDir(prefix = "daka-e2e-") {
  return mkdtempSync(join(tmpdir(), prefix));
}

async function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForDriver(base, child) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${base}/status`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error("WebKitWebDriver did not start");
}

/**
 * Launches Daka and opens a WebDriver session on its window.
 * `env` adds variables (e.g. DAKA_TEST_SAVE_PATH / DAKA_TEST_OPEN_PATH, the answers test builds
 * give instead of file dialogs).
 * @param {{dataDir?: string, now?: string, lang?: string, tz?: string, home?: string, env?: Record<string, string>}} options
 */
export async function launch(options = {}) {
  const dataDir = options.dataDir ?? tempDir("daka-e2e-data-");
  const home = options.home ?? tempDir("daka-e2e-home-");
  for (const d of [".config", ".cache", ".local/share"]) mkdirSync(join(home, d), { recursive: true });
  const locale = options.lang ?? "zh_CN.UTF-8";
  const env = {
    ...process.env,
    TAURI_WEBVIEW_AUTOMATION: "true",
    DAKA_DATA_DIR: dataDir,
    DAKA_NOW: options.now ?? "2026-11-22T10:00:00+08:00",
    LANG: locale,
    LC_ALL: locale,
    LANGUAGE: "",
    TZ: options.tz ?? "Asia/Shanghai",
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_DATA_HOME: join(home, ".local/share"),
    // No session bus: the single-instance plugin then launches normally.
    DBUS_SESSION_BUS_ADDRESS: "disabled:",
    ...options.env,
  };
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const driverLog = [];
  // Its own process group, so quitting can end the driver and the app it launched together.
  const driver = spawn("WebKitWebDriver", [`--port=${port}`], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  driver.stdout.on("data", (d) => driverLog.push(String(d)));
  driver.stderr.on("data", (d) => driverLog.push(String(d)));
  await waitForDriver(base, driver);
  const created = await request(base, "POST", "/session", {
    capabilities: { alwaysMatch: { "webkitgtk:browserOptions": { binary: APP_BIN, args: [] } } },
  });
  const session = new Session(base, created.sessionId, driver, driverLog);
  session.dataDir = dataDir;
  session.home = home;
  await session.waitFor(() => session.exec("return document.readyState === 'complete' && !!document.querySelector('#app > *')"), {
    message: "the UI did not render",
  });
  return session;
}

async function request(base, method, path, body) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await r.json().catch(() => ({}));
  if (!r.ok || json?.value?.error) {
    throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json?.value ?? json).slice(0, 500)}`);
  }
  return json.value;
}

/** A W3C element reference is an object with one key (the web element identifier). */
const elementId = (ref) => Object.values(ref)[0];

class Session {
  constructor(base, id, driver, log) {
    this.base = base;
    this.id = id;
    this.driver = driver;
    this.log = log;
  }

  cmd(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  exec(script, ...args) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  /** Polls `fn` until it returns a truthy value. */
  async waitFor(fn, { timeout = DEFAULT_TIMEOUT_MS, message = "condition" } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    while (Date.now() < deadline) {
      try {
        last = await fn();
        if (last) return last;
      } catch (e) {
        last = e;
      }
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${message} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
  }

  async find(css, { timeout } = {}) {
    const el = await this.waitFor(
      async () => {
        const found = await this.cmd("POST", "/elements", { using: "css selector", value: css });
        return found[0];
      },
      { timeout, message: `element ${css}` },
    );
    return elementId(el);
  }

  async exists(css) {
    const found = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return found.length > 0;
  }

  async click(css) {
    const id = await this.find(css);
    await this.cmd("POST", `/element/${id}/click`, {});
  }

  /** Clears the input and types `text` as a user would (input events fire per key). */
  async type(css, text) {
    const id = await this.find(css);
    await this.cmd("POST", `/element/${id}/clear`, {});
    await this.cmd("POST", `/element/${id}/value`, { text });
  }

  /** The element's rendered text (`innerText`, which follows CSS like a reader would). */
  async text(css) {
    await this.find(css);
    return this.exec("return document.querySelector(arguments[0]).innerText.trim()", css);
  }

  async value(css) {
    const id = await this.find(css);
    return this.cmd("GET", `/element/${id}/property/value`);
  }

  /** The visible text of the whole page. */
  pageText() {
    return this.exec("return document.body.innerText");
  }

  async waitForText(css, predicate, message) {
    return this.waitFor(
      async () => {
        const t = await this.exec("const e = document.querySelector(arguments[0]); return e ? e.innerText : null", css);
        return t !== null && predicate(t) ? t : null;
      },
      { message: message ?? `text of ${css}` },
    );
  }

  /** Clicks the button whose visible text is exactly `label`. */
  async clickButton(label) {
    await this.waitFor(
      () =>
        this.exec(
          `const b = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === arguments[0] && !b.disabled);
           if (b) { b.click(); return true; } return false;`,
          label,
        ),
      { message: `button "${label}"` },
    );
  }

  /**
   * Captures the X display (what a user would see), cropped to the window when it sits at the
   * origin. WebKitWebDriver's own screenshot is not used: with Daka's software rendering
   * (src-tauri/src/webview.rs) it waits for a repaint that an idle page never makes.
   */
  async screenshot(name) {
    const file = join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, "_")}.png`);
    const rect = await this.cmd("GET", "/window/rect");
    const crop = `${rect.width}x${rect.height}+${Math.max(0, rect.x)}+${Math.max(0, rect.y)}`;
    await new Promise((ok, fail) =>
      execFile("import", ["-window", "root", "-crop", crop, "+repage", file], { timeout: 15_000 }, (e) =>
        e ? fail(e) : ok(),
      ),
    );
    return file;
  }

  async quit() {
    try {
      await this.cmd("DELETE", "");
    } catch {
      // the app may already be gone
    }
    // End the whole group: the driver and, if the session did not close it, the app. Otherwise
    // a stray app would keep the inherited pipes open and node would never exit.
    const group = -this.driver.pid;
    const signal = (sig) => {
      try {
        process.kill(group, sig);
      } catch {
        // already gone
      }
    };
    signal("SIGTERM");
    const exited = new Promise((r) => (this.driver.exitCode !== null ? r() : this.driver.once("exit", r)));
    await Promise.race([exited, sleep(3000)]);
    signal("SIGKILL");
    this.driver.stdout.destroy();
    this.driver.stderr.destroy();
  }
}

/**
 * Runs `body` with a launched app; on failure saves a screenshot into ARTIFACTS and names it in
 * the error. Always closes the app.
 */
export async function withApp(t, options, body) {
  const app = await launch(options);
  try {
    await body(app);
  } catch (e) {
    try {
      const shot = await app.screenshot(t.name);
      e.message += `\n  screenshot: ${shot}`;
    } catch {
      // no window to capture
    }
    throw e;
  } finally {
    await app.quit();
  }
}
