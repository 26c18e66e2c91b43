import { PassThrough } from "node:stream";
import { configWithSessions, liveIO as io, useFakeS3 } from "./cli-fixtures.js";

/**
 * Shared by the habits-*.test.ts files (issue 12 habits, argv in → exit code and
 * stdout/stderr out): a local stand-in for S3 that records every request (so
 * "touches nothing" is checked), and a terminal that answers the prompts.
 */

const VERSIONS_XML = `<?xml version="1.0"?><ListVersionsResult><Name>sb-data</Name><Prefix>k.txt</Prefix><IsTruncated>false</IsTruncated>
<Version><Key>k.txt</Key><VersionId>v1</VersionId><IsLatest>true</IsLatest><LastModified>2026-11-27T00:00:00.000Z</LastModified><ETag>"e"</ETag><Size>42</Size></Version></ListVersionsResult>`;

/**
 * The stand-in for S3 for the tests of one file: k.txt exists (42 B, one
 * version v1), nothing else does. `requests` holds every request since the last
 * `setup`, which writes a config with a live session for each of `roles`.
 */
export function useHabitsS3() {
  const requests: string[] = [];
  const s3 = useFakeS3((req, res) => {
    req.resume();
    req.on("end", () => {
      requests.push(`${req.method} ${req.url}`);
      if (req.method === "HEAD" && req.url?.includes("k.txt"))
        res.writeHead(200, { "content-length": "42" }).end();
      else if (req.method === "HEAD") res.writeHead(404).end();
      else if (req.method === "GET" && req.url?.includes("versions"))
        res.writeHead(200, { "content-type": "application/xml" }).end(VERSIONS_XML);
      else if (req.method === "DELETE") res.writeHead(204, { "x-amz-version-id": "dm1" }).end();
      else res.writeHead(200, { "x-amz-version-id": "v2" }).end("");
    });
  });

  async function setup(roles: ("uploader" | "viewer" | "admin")[] = ["admin"], mfa = true) {
    requests.length = 0;
    return configWithSessions(s3.endpoint, roles, { mfa });
  }

  return { requests, setup };
}

/** A terminal: stdin and stderr are TTYs; `answers` are typed at the prompts. */
export function tty(answers: string[], env: NodeJS.ProcessEnv = {}) {
  const f = io(env);
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
  Object.assign(f.io.stderr, { isTTY: true });
  f.io.stdin = stdin as unknown as NodeJS.ReadStream;
  const asked: string[] = [];
  f.io.stderr.on("data", (c) => {
    if (/\? |\]: $/.test(String(c)) && answers.length > 0) {
      asked.push(String(c));
      stdin.write(`${answers.shift()}\n`);
    }
  });
  return { ...f, asked };
}
