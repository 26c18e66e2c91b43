import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { StrongboxError } from "../../src/core/errors.js";
import { acquirePidLock } from "../../src/core/fs/pid-lock.js";

/*
 * Two real processes take over the same dead holder's resume lock at the same
 * instant, many rounds: exactly one may win each round (the other is told the
 * lock is busy). Each contender is a long-lived Node process running the built
 * lock code (dist/, as `npm test` builds it before the integration tests): it
 * waits for "go", spins until an agreed instant, calls acquirePidLock and says
 * "won" or "busy"; the winner holds the lock until told to release it.
 */

const repo = resolve(import.meta.dirname, "../..");
const dist = process.env.STRONGBOX_TEST_CLI
  ? resolve(process.env.STRONGBOX_TEST_CLI, "../..")
  : join(repo, "dist");
const lockModule = join(dist, "core/fs/pid-lock.js");
const ROUNDS = 150;

const CONTENDER = `
import { createInterface } from "node:readline";
const { acquirePidLock } = await import(process.argv[2]);
let held;
const lines = createInterface({ input: process.stdin });
process.stdout.write("ready\\n");
for await (const line of lines) {
  const [verb, path, at] = line.split(" ");
  if (verb === "release") {
    await held?.release();
    held = undefined;
    process.stdout.write("released\\n");
    continue;
  }
  while (Date.now() < Number(at)) {} // the same instant in both processes
  try {
    held = await acquirePidLock(path, (pid) => "busy: held by " + pid);
    process.stdout.write("won\\n");
  } catch (error) {
    process.stdout.write(/^busy/.test(error.message) ? "busy\\n" : "error " + error.message + "\\n");
  }
}
`;

interface Contender {
  child: ChildProcess;
  next(): Promise<string>;
  send(line: string): void;
}

function startContender(script: string): Contender {
  const child = spawn(process.execPath, [script, pathToFileURL(lockModule).href], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines: Interface = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const queue: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  lines.on("line", (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else queue.push(line);
  });
  return {
    child,
    next: () => {
      const line = queue.shift();
      return line !== undefined ? Promise.resolve(line) : new Promise((r) => waiting.push(r));
    },
    send: (line) => child.stdin?.write(`${line}\n`),
  };
}

/** The pid of a process that has exited: a dead holder. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((r) => child.once("exit", r));
  return child.pid as number;
}

let work: string;
let contenders: Contender[] = [];

beforeAll(async () => {
  if (!existsSync(lockModule))
    throw new Error(`${lockModule} is missing: run \`npm run build\` first`);
  work = mkdtempSync(join(tmpdir(), "strongbox-lock-race-"));
  const script = join(work, "contender.mjs");
  writeFileSync(script, CONTENDER);
  contenders = [startContender(script), startContender(script)];
  for (const c of contenders) expect(await c.next()).toBe("ready");
});

afterAll(() => {
  for (const c of contenders) c.child.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("concurrency: the resume lock of a dead holder", () => {
  test(`two processes taking it over at the same instant: exactly one wins, ${ROUNDS} rounds`, async () => {
    const dead = await deadPid();
    const tally = { oneWinner: 0, bothWon: 0, noneWon: 0 };
    const unexpected: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const lock = join(work, `round-${round}.json.lock`);
      writeFileSync(lock, String(dead), { mode: 0o600 });
      const at = Date.now() + 30;
      for (const c of contenders) c.send(`go ${lock} ${at}`);
      const answers = await Promise.all(contenders.map((c) => c.next()));
      for (const a of answers) if (a !== "won" && a !== "busy") unexpected.push(a);
      const winners = answers.filter((a) => a === "won").length;
      if (winners === 1) tally.oneWinner++;
      else if (winners === 2) tally.bothWon++;
      else tally.noneWon++;
      for (const [i, c] of contenders.entries()) {
        if (answers[i] !== "won") continue;
        c.send("release");
        expect(await c.next()).toBe("released");
      }
    }
    console.log(`lock takeover | ${JSON.stringify(tally)}`);
    expect(unexpected).toEqual([]);
    expect(tally).toEqual({ oneWinner: ROUNDS, bothWon: 0, noneWon: 0 });
  });

  test("a takeover abandoned by a process that died mid-way is left to a person, with both files named", async () => {
    const dead = await deadPid();
    const lock = join(work, "abandoned.json.lock");
    writeFileSync(lock, String(dead), { mode: 0o600 });
    writeFileSync(`${lock}.takeover`, String(dead), { mode: 0o600 });
    const failure = await acquirePidLock(lock, (pid) => `busy: held by ${pid}`).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StrongboxError);
    expect((failure as StrongboxError).message).toMatch(/stopped while taking it over/);
    expect((failure as StrongboxError).hint).toContain(`${lock}.takeover`);
    expect(existsSync(lock)).toBe(true);
  });
});
