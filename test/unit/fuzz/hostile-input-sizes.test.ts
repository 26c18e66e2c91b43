import { createServer, type Server } from "node:http";
import { afterAll, beforeAll } from "vitest";
import { MiB, planParts, TiB } from "../../../src/core/transfer/part-plan.js";
import { createHttpTransport } from "../../../src/core/transfer/transport.js";
import { hostileTable, outcome, type Row } from "./hostile-input-fixtures.js";

/*
 * The hostile-input table (hostile-input-fixtures.ts), its sizes: bodies too
 * large to be an S3 answer (from a local server), files no S3 object can be.
 */

let bigServer: Server;
let bigUrl: string;

const ROWS: Row[] = [
  // Bodies too large to be an S3 answer.
  {
    area: "body size",
    case: "an endless error body",
    expected: /^refused: The server's answer is larger than 4 MiB/,
    observe: () => readBig("/endless"),
  },
  {
    area: "body size",
    case: "a 6 MiB error body with its Content-Length",
    expected: /^refused: The server's answer is larger than 4 MiB/,
    observe: () => readBig("/six-mib"),
  },
  // Sizes no S3 object can have.
  {
    area: "plan",
    case: "a 5 TiB file with 5 MiB parts (a million parts wished)",
    expected: /^10000 parts or fewer: \d+ parts of \d+ MiB$/,
    observe: () =>
      outcome(
        () => planParts(5 * TiB, { partSize: 5 * MiB }),
        (p) =>
          p.kind === "multipart" && p.parts.length <= 10_000
            ? `10000 parts or fewer: ${p.parts.length} parts of ${p.partSize / MiB} MiB`
            : `${p.kind}`,
      ),
  },
  {
    area: "plan",
    case: "a file larger than 5 TiB",
    expected: /^refused: .*at most 5 TiB/,
    observe: () =>
      outcome(
        () => planParts(5 * TiB + 1),
        (p) => p.kind,
      ),
  },
];

async function readBig(path: string): Promise<string> {
  const transport = createHttpTransport();
  try {
    const res = await transport.send({ method: "GET", url: `${bigUrl}${path}`, headers: {} });
    return await outcome(
      () => res.text(),
      (t) => `read ${t.length} characters`,
    );
  } finally {
    await transport.close();
  }
}

beforeAll(async () => {
  bigServer = createServer((req, res) => {
    const chunk = Buffer.alloc(64 * 1024, "<Error>");
    if (req.url === "/six-mib") {
      res.writeHead(500, { "content-length": String(6 * MiB) });
      for (let i = 0; i < 96; i++) res.write(chunk);
      res.end();
      return;
    }
    res.writeHead(500);
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) {}
      if (!res.destroyed) res.once("drain", pump);
    };
    res.on("close", () => res.destroy());
    pump();
  });
  await new Promise<void>((done) => bigServer.listen(0, "127.0.0.1", done));
  const address = bigServer.address();
  bigUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  bigServer?.closeAllConnections();
  await new Promise((done) => bigServer?.close(done));
});

hostileTable(ROWS);
