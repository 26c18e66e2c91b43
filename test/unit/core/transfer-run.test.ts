import { describe, expect, it } from "vitest";
import type { StrongboxConfig } from "../../../src/core/config.js";
import {
  DEFAULT_DOWNLOAD_CONCURRENCY,
  DEFAULT_FILES_IN_FLIGHT,
  DEFAULT_UPLOAD_CONCURRENCY,
} from "../../../src/core/transfer/part-plan.js";
import type { Transport } from "../../../src/core/transfer/transport.js";
import { createOnlyFor, type TransferSetup, withTransfer } from "../../../src/core/transfer-run.js";
import { T0, testSession } from "../cli/cli-fixtures.js";

const config = {
  region: "us-east-1",
  bucket: "sb-data",
  endpoint: "http://127.0.0.1:1",
  forcePathStyle: true,
} as StrongboxConfig;

const setup = (more: Partial<TransferSetup> = {}): TransferSetup => ({
  config,
  session: testSession("uploader", T0 + 3600_000),
  now: () => T0,
  signal: new AbortController().signal,
  direction: "upload",
  resumeDirs: { current: "/nonexistent/a", legacy: "/nonexistent/b" },
  ...more,
});

describe("withTransfer: one transfer's plumbing from one call", () => {
  it("limits: the command's, else the config's, else the direction's defaults", async () => {
    const settings = (s: TransferSetup) =>
      withTransfer(s, async (run) => [run.concurrency, run.files, run.partSize]);
    expect(await settings(setup())).toEqual([
      DEFAULT_UPLOAD_CONCURRENCY,
      DEFAULT_FILES_IN_FLIGHT,
      undefined,
    ]);
    expect(await settings(setup({ direction: "download" }))).toEqual([
      DEFAULT_DOWNLOAD_CONCURRENCY,
      DEFAULT_FILES_IN_FLIGHT,
      undefined,
    ]);
    expect(DEFAULT_DOWNLOAD_CONCURRENCY).not.toBe(DEFAULT_UPLOAD_CONCURRENCY);
    const configured = { ...config, transfer: { concurrency: 3, files: 5, partSize: 8 << 20 } };
    expect(await settings(setup({ config: configured }))).toEqual([3, 5, 8 << 20]);
    expect(await settings(setup({ config: configured, concurrency: 2, files: 1 }))).toEqual([
      2,
      1,
      8 << 20,
    ]);
  });

  it("signs as the session's role, for the config's bucket, until the session ends", async () => {
    const session = testSession("viewer", T0 + 60_000);
    const run = await withTransfer(setup({ session }), async (r) => r);
    expect(run.bucket).toBe("sb-data");
    expect(run.deps.role).toBe("viewer");
    expect(run.deps.sessionExpiresAt).toEqual(new Date(T0 + 60_000));
    const { url } = await run.deps.presigner.sign({
      method: "GET",
      key: "k",
      expiresInSeconds: 60,
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:1\/sb-data\/k\?.*X-Amz-Credential=ASIAEXAMPLE/);
  });

  it("one transport, sized for the requests in flight, closed even when the work fails", async () => {
    const opened: number[] = [];
    let closed = 0;
    const openTransport = (connections: number): Transport => {
      opened.push(connections);
      return {
        send: () => Promise.reject(new Error("not used")),
        close: async () => void closed++,
      };
    };
    const failure = new Error("boom");
    await expect(
      withTransfer(setup({ openTransport, concurrency: 4, files: 9 }), async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(
      await withTransfer(setup({ openTransport, concurrency: 4, files: 1 }), async () => "ok"),
    ).toBe("ok");
    expect(opened).toEqual([11, 6]);
    expect(closed).toBe(2);
  });

  it("the Uploader only creates keys unless the deployment lets it replace them", () => {
    expect(createOnlyFor({}, "uploader")).toBe(true);
    expect(createOnlyFor({ uploaderCanOverwrite: true }, "uploader")).toBe(false);
    expect(createOnlyFor({}, "admin")).toBe(false);
  });
});
