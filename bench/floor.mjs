#!/usr/bin/env node
// What Node's own HTTP stack moves on this machine: a floor under Strongbox's transfers (issue 14),
// measured by bench/run.sh as the tools `nodehttp` and `nodesock`. Not a product and not a peer:
// no verification, no fsync, no retry, no resume, no checks on the answers beyond the status; only
// the bytes, moved as node:http moves them (`nodesock`: Node's raw TCP sockets reading into reused
// buffers, the response head parsed here, for one object's download; `nodesha`: the same, each
// range's SHA-256 taken as it streams in, as Strongbox verifies). It signs with the bench's
// MinIO credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) through Strongbox's built signer.
//
//   node bench/floor.mjs up DIR PREFIX/            every file below DIR, one PUT each, 32 at once
//   node bench/floor.mjs down PREFIX/ OUT          every object below PREFIX/ into the folder OUT
//   node bench/floor.mjs down KEY FILE [--sockets | --sockets-sha256]
//                                                  one object in 32 MiB ranges, 8 at once
//
// ENDPOINT and BUCKET come from the environment, as in `bench/run.sh serve`'s env.sh.
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { dirname, join, relative } from "node:path";
import { createQuerySigner } from "../dist/core/sigv4.js";

const FILES_IN_FLIGHT = 32; // Strongbox's --files default
const RANGES_IN_FLIGHT = 8;
const RANGE_BYTES = 32 * 1024 * 1024;
const WRITE_BATCH_BYTES = 256 * 1024; // as Strongbox's downloads
const SOCKET_READ_BYTES = 256 * 1024;

const endpoint = new URL(process.env.ENDPOINT ?? "");
const bucket = process.env.BUCKET ?? "";
const sign = createQuerySigner(
  {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "",
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "",
  },
  process.env.AWS_REGION ?? "us-east-1",
);
const agent = new http.Agent({ keepAlive: true, maxSockets: FILES_IN_FLIGHT });

const pathOf = (key) => `/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
const urlOf = (method, path, headers = {}, query = {}) =>
  sign({
    method,
    origin: endpoint.origin,
    host: endpoint.host,
    path,
    query,
    headers,
    date: new Date(),
    expiresInSeconds: 3600,
  });

/** One exchange; resolves with the status, headers and body chunks (kept, or dropped). */
function exchange(method, url, headers, body, keep = true) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => keep && chunks.push(c));
      res.on("end", () => {
        if (res.statusCode >= 300) reject(new Error(`${method} ${res.statusCode}`));
        else resolve({ headers: res.headers, chunks });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Runs `job` over `items`, `width` at a time. */
async function each(items, width, job) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await job(items[next++]);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

function filesBelow(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

async function up(dir, prefix) {
  await each(filesBelow(dir), FILES_IN_FLIGHT, async (file) => {
    const body = readFileSync(file);
    // The request Strongbox sends: its checksum for S3 to verify, and create-only.
    const headers = {
      "if-none-match": "*",
      "x-amz-checksum-sha256": createHash("sha256").update(body).digest("base64"),
    };
    const url = urlOf("PUT", pathOf(prefix + relative(dir, file)), headers);
    await exchange("PUT", url, { ...headers, "content-length": body.length }, body, false);
  });
}

async function keysBelow(prefix) {
  const keys = [];
  let token;
  do {
    const query = { "list-type": "2", prefix };
    if (token) query["continuation-token"] = token;
    const { chunks } = await exchange("GET", urlOf("GET", `/${bucket}`, {}, query), {});
    const xml = Buffer.concat(chunks).toString();
    for (const m of xml.matchAll(/<Key>([^<]+)<\/Key>/g)) keys.push(m[1]);
    token = xml.match(/<NextContinuationToken>([^<]+)</)?.[1];
  } while (token);
  return keys;
}

async function downPrefix(prefix, out) {
  const made = new Set();
  await each(await keysBelow(prefix), FILES_IN_FLIGHT, async (key) => {
    const { chunks } = await exchange("GET", urlOf("GET", pathOf(key)), {});
    const file = join(out, key.slice(prefix.length));
    if (!made.has(dirname(file))) mkdirSync(dirname(file), { recursive: true });
    made.add(dirname(file));
    const fd = openSync(file, "w");
    for (const c of chunks) writeSync(fd, c);
    closeSync(fd);
  });
}

function rangesOf(size) {
  const ranges = [];
  for (let start = 0; start < size; start += RANGE_BYTES) {
    ranges.push([start, Math.min(start + RANGE_BYTES, size) - 1]);
  }
  return ranges;
}

/** One object through node:http: each range's chunks written in batches (`writev`), as Strongbox does. */
async function downObject(key, file, size) {
  const fh = await open(file, "w");
  await each(rangesOf(size), RANGES_IN_FLIGHT, async ([start, end]) => {
    const headers = { range: `bytes=${start}-${end}` };
    const res = await new Promise((resolve, reject) =>
      http.get(urlOf("GET", pathOf(key), headers), { agent, headers }, resolve).on("error", reject),
    );
    if (res.statusCode !== 206) throw new Error(`GET ${res.statusCode}`);
    let position = start;
    let batch = [];
    let batched = 0;
    for await (const chunk of res) {
      batch.push(chunk);
      batched += chunk.length;
      if (batched >= WRITE_BATCH_BYTES) {
        await fh.writev(batch, position);
        position += batched;
        batch = [];
        batched = 0;
      }
    }
    if (batched > 0) await fh.writev(batch, position);
  });
  await fh.close();
}

/**
 * One object over raw sockets: each connection reads into one reused buffer (`onread`) and
 * writes what it read in place; the response head is parsed here (status and Content-Length).
 * `hashing`: each range's SHA-256 as its bytes arrive.
 */
async function downObjectSockets(key, file, size, hashing) {
  const fd = openSync(file, "w");
  const ranges = rangesOf(size);
  const connection = () =>
    new Promise((resolve, reject) => {
      let position = 0;
      let left = 0;
      let head = null; // the response head's text while it is incomplete
      let hash = null;
      const ask = () => {
        const range = ranges.shift();
        if (!range) {
          socket.end();
          resolve();
          return;
        }
        const [start, end] = range;
        const headers = { range: `bytes=${start}-${end}` };
        const url = new URL(urlOf("GET", pathOf(key), headers));
        position = start;
        left = -1;
        head = "";
        hash = hashing ? createHash("sha256") : null;
        socket.write(
          `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nRange: ${headers.range}\r\n\r\n`,
        );
      };
      const onData = (n, buffer) => {
        let offset = 0;
        if (head !== null) {
          head += buffer.toString("latin1", 0, n);
          const endOfHead = head.indexOf("\r\n\r\n");
          if (endOfHead < 0) return;
          if (!head.startsWith("HTTP/1.1 206")) return reject(new Error(head.split("\r\n")[0]));
          left = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? Number.NaN);
          offset = n - (head.length - endOfHead - 4);
          head = null;
        }
        hash?.update(buffer.subarray(offset, n));
        writeSync(fd, buffer, offset, n - offset, position);
        position += n - offset;
        left -= n - offset;
        if (left === 0) {
          hash?.digest();
          ask();
        }
      };
      const socket = net.connect({
        host: endpoint.hostname,
        port: Number(endpoint.port),
        onread: { buffer: Buffer.allocUnsafe(SOCKET_READ_BYTES), callback: onData },
      });
      socket.on("connect", ask).on("error", reject);
    });
  await Promise.all(Array.from({ length: RANGES_IN_FLIGHT }, connection));
  closeSync(fd);
}

const [mode, from, to, flag] = process.argv.slice(2);
if (mode === "up" && from && to?.endsWith("/")) await up(from, to);
else if (mode === "down" && from?.endsWith("/") && to) await downPrefix(from, to);
else if (mode === "down" && from && to) {
  const { headers } = await exchange("HEAD", urlOf("HEAD", pathOf(from)), {});
  const size = Number(headers["content-length"]);
  if (flag?.startsWith("--sockets"))
    await downObjectSockets(from, to, size, flag.endsWith("sha256"));
  else await downObject(from, to, size);
} else {
  process.stderr.write(
    "usage: floor.mjs up DIR PREFIX/ | down PREFIX/ OUT | down KEY FILE [--sockets[-sha256]]\n",
  );
  process.exit(2);
}
agent.destroy();
