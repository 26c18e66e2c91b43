import { describe, expect, it } from "vitest";
import { choosePort } from "../../../../src/ui/server/port.js";

describe("strongbox ui: the port the bucket's CORS rule names", () => {
  const origins = ["http://127.0.0.1:8787", "http://localhost:8787"];

  it("uses the CORS origin's port by default", () => {
    expect(choosePort(origins, undefined)).toEqual({ port: 8787 });
    expect(choosePort(["http://127.0.0.1:9100"], undefined)).toEqual({ port: 9100 });
  });

  it("accepts an allowed --port and refuses another, saying what to change", () => {
    expect(choosePort(origins, 8787)).toEqual({ port: 8787 });
    expect(() => choosePort(origins, 9000)).toThrow(
      /port 9000 is not one the bucket's CORS rule allows \(http:\/\/127\.0\.0\.1:8787\)/,
    );
    try {
      choosePort(origins, 9000);
    } catch (err) {
      expect((err as { hint: string }).hint).toContain('add "http://127.0.0.1:9000"');
      expect((err as { hint: string }).hint).toContain("cors_allowed_origins");
    }
  });

  it("refuses when CORS allows no 127.0.0.1 origin", () => {
    expect(() => choosePort([], undefined)).toThrow(/CORS is off/);
    expect(() => choosePort(["https://files.example.com"], undefined)).toThrow(/allows no/);
  });

  it("falls back to the module default with a note for an older config", () => {
    const chosen = choosePort(undefined, undefined);
    expect(chosen.port).toBe(8787);
    expect(chosen.note).toMatch(/configure/);
  });
});
