import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";

import { backend, fieldErrors, hasErrorUnder } from "./backend";

afterEach(() => clearMocks());

describe("backend", () => {
  it("passes values through", async () => {
    mockIPC((cmd) => (cmd === "set_language" ? "en" : null));
    expect(await backend.setLanguage("en")).toEqual({ ok: true, value: "en" });
  });

  it("keeps Daka's typed errors", async () => {
    const error = { kind: "validation", message: "不对", fields: [{ field: "exam_date", message: "不对" }] };
    mockIPC(() => {
      throw error;
    });
    expect(await backend.today()).toEqual({ ok: false, error });
  });

  it("turns a framework-level string rejection into an internal error", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    mockIPC(() => {
      throw "command today not allowed by ACL";
    });
    const r = await backend.today();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe("internal");
      expect(r.error.message).toMatch(/出了点问题/);
    }
  });
});

describe("field errors", () => {
  it("index messages by field and find them by prefix", () => {
    const errors = fieldErrors({
      kind: "validation",
      message: "x",
      fields: [
        { field: "subjects.2.name", message: "重复" },
        { field: "subjects.2.name", message: "second" },
      ],
    });
    expect(errors).toEqual({ "subjects.2.name": "重复" });
    expect(hasErrorUnder(errors, ["subjects"])).toBe(true);
    expect(hasErrorUnder(errors, ["subject"])).toBe(false);
  });
});
