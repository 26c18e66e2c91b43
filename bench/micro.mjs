#!/usr/bin/env node
// Micro-benchmarks, single core, no network:
//   - checksum cost per GiB for the algorithms S3 verifies, as this Node would
//     really compute them (node:crypto, node:zlib, the AWS SDK's checksum classes);
//   - pre-signing: URLs per second through the CLI's own presigner (dist/).
// Prints one JSON object on stdout. Usage: node bench/micro.mjs [--mib 256] [--urls 20000]
import { createHash, randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import zlib from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MIB = 1024 * 1024;
const totalMiB = arg("mib", 256);
const urls = arg("urls", 20000);
const chunk = randomBytes(MIB); // what a part's stream hands over: 1 MiB at a time (after the page cache)

function cpuSeconds(fn) {
  const t0 = process.cpuUsage();
  const w0 = performance.now();
  fn();
  const t = process.cpuUsage(t0);
  return { cpu: (t.user + t.system) / 1e6, wall: (performance.now() - w0) / 1000 };
}

async function checksums() {
  const { Crc32cNode, Crc64Nvme } = await import(
    pathToFileURL(join(here, "../node_modules/@aws-sdk/checksums/dist-cjs/submodules/crc/index.js"))
      .href
  );
  const algorithms = {
    "CRC32 (node:zlib.crc32)": () => {
      let c = 0;
      return { update: (b) => (c = zlib.crc32(b, c)), digest: () => c };
    },
    "CRC32C (@aws-sdk/checksums, JS in Node 20)": () => new Crc32cNode(),
    "CRC64NVME (@aws-sdk/checksums, JS without the CRT)": () => new Crc64Nvme(),
    "SHA-256 (node:crypto)": () => {
      const h = createHash("sha256");
      return { update: (b) => h.update(b), digest: () => h.digest() };
    },
    "MD5 (node:crypto)": () => {
      const h = createHash("md5");
      return { update: (b) => h.update(b), digest: () => h.digest() };
    },
  };
  const out = {};
  for (const [name, make] of Object.entries(algorithms)) {
    // Slow JS implementations get fewer MiB; the result is per GiB either way.
    const mib = name.includes("JS") ? Math.max(16, totalMiB / 8) : totalMiB;
    make().update(chunk); // warm-up (JIT)
    const { cpu, wall } = cpuSeconds(() => {
      const h = make();
      for (let i = 0; i < mib; i++) h.update(chunk);
      h.digest();
    });
    out[name] = {
      secondsPerGiB: +((wall * 1024) / mib).toFixed(3),
      cpuSecondsPerGiB: +((cpu * 1024) / mib).toFixed(3),
      MiBps: Math.round(mib / wall),
    };
  }
  return out;
}

async function presign() {
  const { createPresigner } = await import(
    pathToFileURL(join(here, "../dist/core/presign.js")).href
  );
  const presigner = createPresigner({
    config: {
      version: 1,
      region: "us-east-1",
      bucket: "strongbox-bench",
      kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/bench",
      roles: {},
      endpoint: "http://127.0.0.1:9000",
      forcePathStyle: true,
    },
    credentials: {
      accessKeyId: "AKIDEXAMPLE",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      // As long as an STS role session's token (~1 KB of base64: "+", "/" and "=" encoded).
      sessionToken: `IQoJb3JpZ2luX2Vj${"EJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+".repeat(24)}==`,
      expiration: new Date(Date.now() + 3600_000),
    },
  });
  const request = (i) => ({
    method: "PUT",
    key: `bench/file-${i}.bin`,
    query: { partNumber: String((i % 10000) + 1), uploadId: "upload-id" },
    headers: { "content-length": "16777216", "x-amz-checksum-crc32": "AAAAAA==" },
    expiresInSeconds: 900,
  });
  for (let i = 0; i < 500; i++) await presigner.sign(request(i)); // warm-up
  const t0 = process.cpuUsage();
  const w0 = performance.now();
  for (let i = 0; i < urls; i++) await presigner.sign(request(i));
  const wall = (performance.now() - w0) / 1000;
  const t = process.cpuUsage(t0);
  return {
    urls,
    urlsPerSecond: Math.round(urls / wall),
    urlsPerCpuSecond: Math.round(urls / ((t.user + t.system) / 1e6)),
  };
}

const result = {
  node: process.version,
  checksums: await checksums(),
  presign: await presign(),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
