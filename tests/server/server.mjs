// Starts a real daka-server binary on 127.0.0.1 (port 0) over a temporary SQLite file, and a
// tiny JSON client for seeding it. Used by the server-page and end-to-end tests.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SERVER_BIN = process.env.DAKA_SERVER_BIN ?? "target/debug/daka-server";

export async function startServer(extraArgs = []) {
  const dataDir = mkdtempSync(join(tmpdir(), "daka-server-"));
  const child = spawn(SERVER_BIN, ["--listen", "127.0.0.1:0", "--data-dir", dataDir, "--log", "info", ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daka-server did not start:\n${log}`)), 30_000);
    const onData = (chunk) => {
      log += chunk.toString();
      const m = log.match(/listening addr=(127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(`http://${m[1]}`);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`daka-server exited (${code}):\n${log}`)));
  });
  return {
    url,
    log: () => log,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode === null ? child.on("exit", r) : r()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function api(url, token, lang = "zh-CN") {
  return async (method, path, body) => {
    const headers = { "accept-language": lang, "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const r = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    const json = text ? JSON.parse(text) : null;
    if (!r.ok) throw new Error(`${method} ${path} → ${r.status} ${text}`);
    return json;
  };
}

export const PASSWORD = "correct horse battery";

export async function signUp(url, username, nickname) {
  return api(url)("POST", "/v1/accounts", { username, password: PASSWORD, nickname, device_name: `${nickname} 的电脑` });
}

let seq = new Map();
/** Pushes records for one device token, numbering its outbox sequence. */
export async function push(url, token, records) {
  const next = seq.get(token) ?? 1;
  const mutations = records.map((record, i) => ({
    device_seq: next + i,
    mutation_id: crypto.randomUUID(),
    version: Number(BigInt(Date.now()) << 16n),
    record,
  }));
  seq.set(token, next + records.length);
  return api(url, token)("POST", "/v1/sync/push", { mutations });
}
