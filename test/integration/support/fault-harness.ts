import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import type { Clock } from "../../../src/core/clock.js";
import { createPresigner, type Presigner } from "../../../src/core/presign.js";
import type { Role } from "../../../src/core/roles.js";
import { downloadObject } from "../../../src/core/transfer/download.js";
import { PARTIAL_SUFFIX } from "../../../src/core/transfer/partial-file.js";
import type { RetryOptions } from "../../../src/core/transfer/retry-policy.js";
import { createFileStateStore } from "../../../src/core/transfer/state-store.js";
import type { TransferDeps, TransferEvent } from "../../../src/core/transfer/transfer-types.js";
import {
  createHttpTransport,
  type HttpRequest,
  type Transport,
} from "../../../src/core/transfer/transport.js";
import { uploadFile } from "../../../src/core/transfer/upload.js";
import { LANE_REGION, type LaneCredentials, type MinioLane, startMinioLane } from "./minio.js";
import { type S3Shim, startS3Shim } from "./s3-shim.js";
import { startToxiproxy, type ToxicProxy, type Toxiproxy } from "./toxiproxy.js";

/*
 * The fault tables' bench: a MinIO lane, toxiproxy in front of it, an S3 shim
 * in front of it, role sessions, and a multipart-sized source file (3 parts of
 * 5 MiB) already uploaded once without faults. Rows drive the transfer engine
 * through one of the three endpoints and check what S3 or the disk then holds.
 *
 * Timeouts are short (1.5 s without a byte) so a stall costs little time.
 */

export const MiB = 1024 * 1024;
export const PART = 5 * MiB;
export const SIZE = 2 * PART + 2 * MiB + 12_345;
export const IDLE_MS = 1500;
export const QUICK_RETRY: RetryOptions = { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 400 };
export const SOURCE_KEY = "faults/source.bin";

export type Session = LaneCredentials & { expiration: Date };

export interface Run {
  endpoint: string;
  role: Role;
  onSend?: (req: HttpRequest, dataRequests: number) => Promise<void>;
  /** Called once when the transferred bytes first reach `at`. */
  at?: number;
  fault?: () => Promise<void>;
  retry?: RetryOptions;
  idleMs?: number;
  /** The session that signs (default: the role's session of the bench). */
  session?: Session;
  /** Time as the transfer engine sees it (the session guard, backoff). */
  clock?: Clock;
  /** Signs instead of a presigner over the session (a skewed clock, short-lived URLs). */
  presigner?: Presigner;
  /** Parts or ranges in flight at once (default 3: all of them). */
  concurrency?: number;
}

export const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Data requests: a part's PUT or a range's GET (not ListParts, which is a GET with uploadId). */
export const isDataRequest = (req: Pick<HttpRequest, "method" | "url">) => {
  const url = new URL(req.url);
  return (
    (req.method === "PUT" && url.searchParams.has("partNumber")) ||
    (req.method === "GET" && !url.searchParams.has("uploadId"))
  );
};

/** One row's observation, printed for the record (the report's fault table). */
export function record(row: string, direction: string, observed: Record<string, unknown>) {
  console.log(`fault-table | ${row} | ${direction} | ${JSON.stringify(observed)}`);
}

/** The error a promise rejects with (undefined when it resolves). */
export const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (error: unknown) => error,
  );

export interface FaultBench {
  lane: MinioLane;
  proxy: ToxicProxy;
  shim: S3Shim;
  work: string;
  source: string;
  sourceSha: string;
  sessions: Record<Role, Session>;
  upload(run: Run, key: string, resume?: boolean): Promise<Transfer<UploadResult>>;
  download(run: Run, out: string): Promise<Transfer<DownloadResult>>;
  /** What S3 now holds under `key`, read straight from MinIO (no faults): its SHA-256. */
  storedSha(key: string): Promise<string>;
  objectExists(key: string): Promise<boolean>;
  /** Asserts a completed download: same bytes, verified, no partial left. */
  expectDownloaded(out: string, result: { verified: string }): Promise<void>;
  outPath(name: string): string;
  /** A transfer's dependencies for a run, for rows calling the engine themselves; `finish` closes them. */
  depsFor(run: Run): { deps: TransferDeps; finish(): Promise<void> };
}

type UploadResult = Awaited<ReturnType<typeof uploadFile>>;
type DownloadResult = Awaited<ReturnType<typeof downloadObject>>;

export interface Transfer<T> {
  result: T;
  /** Requests that carried data beyond the first try of each part or range. */
  retries: number;
  dataRequests: number;
  progressEvents: number;
  events: TransferEvent[];
  seconds: number;
}

/**
 * Registers the bench's hooks in the calling test file and returns it; its
 * fields are filled in by beforeAll.
 */
export function useFaultBench(): FaultBench {
  const bench = {} as FaultBench;
  let toxiproxy: Toxiproxy | undefined;
  let root: S3Client | undefined;

  function depsFor(run: Run) {
    const inner = createHttpTransport({
      connections: 6,
      idleTimeoutMs: run.idleMs ?? IDLE_MS,
      connectTimeoutMs: IDLE_MS,
    });
    let dataRequests = 0;
    const transport: Transport = {
      async send(req) {
        if (isDataRequest(req)) dataRequests++;
        await run.onSend?.(req, dataRequests);
        return inner.send(req);
      },
      close: () => inner.close(),
    };
    const events: TransferEvent[] = [];
    let moved = 0;
    let fired = false;
    let faultDone: Promise<void> = Promise.resolve();
    const session = run.session ?? bench.sessions[run.role];
    const deps = {
      presigner:
        run.presigner ??
        createPresigner({
          config: { ...bench.lane.config(), endpoint: run.endpoint },
          credentials: session,
        }),
      role: run.role,
      transport,
      stateStore: createFileStateStore(join(bench.work, "state")),
      sessionExpiresAt: session.expiration,
      retry: run.retry ?? QUICK_RETRY,
      ...(run.clock ? { clock: run.clock } : {}),
      onEvent: (event: TransferEvent) => {
        events.push(event);
        if (event.type !== "bytes") return;
        moved += Math.max(0, event.delta);
        if (!fired && run.fault && moved >= (run.at ?? 0)) {
          fired = true;
          faultDone = run.fault();
        }
      },
    };
    return {
      deps,
      observe: <T>(result: T, started: number): Transfer<T> => ({
        result,
        retries: dataRequests - 3,
        dataRequests,
        progressEvents: events.filter((e) => e.type === "bytes").length,
        events,
        seconds: (Date.now() - started) / 1000,
      }),
      finish: async () => {
        await faultDone;
        await transport.close();
      },
    };
  }

  bench.depsFor = depsFor;

  bench.upload = async (run, key, resume = false) => {
    const t = depsFor(run);
    const started = Date.now();
    try {
      const result = await uploadFile(t.deps, {
        bucket: bench.lane.bucket,
        path: bench.source,
        key,
        partSize: PART,
        threshold: PART,
        concurrency: run.concurrency ?? 3,
        resume,
      });
      return t.observe(result, started);
    } finally {
      await t.finish();
    }
  };

  bench.download = async (run, out) => {
    const t = depsFor(run);
    const started = Date.now();
    try {
      const result = await downloadObject(t.deps, {
        bucket: bench.lane.bucket,
        key: SOURCE_KEY,
        out,
        concurrency: run.concurrency ?? 3,
      });
      return t.observe(result, started);
    } finally {
      await t.finish();
    }
  };

  bench.storedSha = async (key) => {
    const out = join(bench.work, `check-${randomBytes(4).toString("hex")}.bin`);
    const t = depsFor({ endpoint: bench.lane.endpoint, role: "viewer" });
    try {
      const result = await downloadObject(t.deps, {
        bucket: bench.lane.bucket,
        key,
        out,
        concurrency: 3,
      });
      expect(result.verified).toBe("composite-sha256");
      return sha256(await readFile(out));
    } finally {
      await t.finish();
      rmSync(out, { force: true });
    }
  };

  bench.objectExists = async (key) => {
    try {
      await root?.send(new HeadObjectCommand({ Bucket: bench.lane.bucket, Key: key }));
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === "NotFound") return false;
      throw error;
    }
  };

  bench.expectDownloaded = async (out, result) => {
    expect(result.verified).toBe("composite-sha256");
    expect(sha256(await readFile(out))).toBe(bench.sourceSha);
    expect(existsSync(`${out}${PARTIAL_SUFFIX}`)).toBe(false);
  };

  bench.outPath = (name) => join(bench.work, "out", `${name}.bin`);

  beforeAll(async () => {
    bench.lane = await startMinioLane();
    bench.work = mkdtempSync(join(tmpdir(), "strongbox-faults-"));
    bench.source = join(bench.work, "source.bin");
    const data = randomBytes(SIZE);
    writeFileSync(bench.source, data);
    bench.sourceSha = sha256(data);
    bench.sessions = {} as Record<Role, Session>;
    for (const role of ["uploader", "viewer", "admin"] as const)
      bench.sessions[role] = await bench.lane.sessionFor(role);
    root = new S3Client({
      region: LANE_REGION,
      endpoint: bench.lane.endpoint,
      forcePathStyle: true,
      credentials: bench.lane.root,
    });
    toxiproxy = await startToxiproxy();
    bench.proxy = await toxiproxy.proxy("minio", new URL(bench.lane.endpoint).host);
    bench.shim = await startS3Shim(bench.lane.endpoint);
    // The object every download row fetches, put without faults.
    await bench.upload({ endpoint: bench.lane.endpoint, role: "uploader" }, SOURCE_KEY);
  });

  afterEach(async () => {
    await bench.proxy?.reset();
    bench.shim?.setRules([]);
  });

  afterAll(async () => {
    root?.destroy();
    await bench.shim?.close();
    await toxiproxy?.stop();
    await bench.lane?.stop();
    if (bench.work) rmSync(bench.work, { recursive: true, force: true });
  });

  return bench;
}
