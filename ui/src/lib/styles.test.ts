import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe("UI conventions", () => {
  it("never use CSS filter (WebKitGTK stops hit-testing filtered elements)", () => {
    const root = join(import.meta.dirname, "..");
    const offenders = files(root)
      .filter((f) => f.endsWith(".svelte") || f.endsWith(".css"))
      .filter((f) => /(^|[\s;{])(-webkit-)?(backdrop-)?filter\s*:/m.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("never use the browser's alert/confirm/prompt (use lib/confirm.svelte.ts)", () => {
    const root = join(import.meta.dirname, "..");
    const offenders = files(root)
      .filter((f) => f.endsWith(".svelte") || (f.endsWith(".ts") && !f.endsWith(".test.ts")))
      .filter((f) => /(^|[^.\w])(window\.)?(alert|confirm|prompt)\(/m.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});
