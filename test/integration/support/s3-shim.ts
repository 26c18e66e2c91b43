import http from "node:http";

/*
 * A small real HTTP server in front of MinIO that answers chosen requests the
 * way a troubled S3 does (an error XML with 500/503, a 200 carrying <Error>, an
 * answer lost after S3 acted) and passes everything else through untouched,
 * so signatures still verify (the Host header is kept).
 */

export interface ShimRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  query: URLSearchParams;
}

export type ShimAction =
  /** Answer with S3's error XML; the request never reaches S3. */
  | { kind: "error"; status: number; code: string; message: string }
  /** Pass it to S3, then drop the connection instead of answering (S3 did act). */
  | { kind: "lose-answer" }
  /** Answer 200 with an <Error> body (as Complete may); the request never reaches S3. */
  | { kind: "error-in-200"; code: string; message: string };

export interface ShimRule {
  match: (req: ShimRequest) => boolean;
  /** How many matching requests get the action; later ones pass through. */
  times: number;
  action: ShimAction;
}

export interface S3Shim {
  endpoint: string;
  /** Replaces the rules and forgets the requests seen; `hits` counts the requests each rule answered. */
  setRules(rules: ShimRule[]): void;
  hits(): number[];
  /** Every request seen, in order (method and query, never a signature). */
  seen(): ShimRequest[];
  close(): Promise<void>;
}

const errorXml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>shim</RequestId></Error>`;

export async function startS3Shim(upstream: string): Promise<S3Shim> {
  const target = new URL(upstream);
  let rules: ShimRule[] = [];
  let hits: number[] = [];
  const seen: ShimRequest[] = [];
  const agent = new http.Agent({ keepAlive: true });

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://shim");
    const info: ShimRequest = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      query: url.searchParams,
    };
    seen.push(info);
    const index = rules.findIndex((r, i) => (hits[i] ?? 0) < r.times && r.match(info));
    const rule = index >= 0 ? rules[index] : undefined;
    if (rule) hits[index] = (hits[index] ?? 0) + 1;
    const action = rule?.action;
    if (action?.kind === "error" || action?.kind === "error-in-200") {
      req.resume();
      req.once("end", () => {
        const body =
          action.kind === "error"
            ? errorXml(action.code, action.message)
            : `<?xml version="1.0" encoding="UTF-8"?>\n\n${errorXml(action.code, action.message).replace(/^<\?xml[^>]*>\n/, "")}`;
        res.writeHead(action.kind === "error" ? action.status : 200, {
          "content-type": "application/xml",
          "content-length": Buffer.byteLength(body),
        });
        res.end(body);
      });
      return;
    }
    const forward = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        if (action?.kind === "lose-answer") {
          // S3 has done the work; the client never hears of it.
          answer.resume();
          answer.once("end", () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => req.socket.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setRules(next) {
      rules = next;
      hits = next.map(() => 0);
      seen.length = 0;
    },
    hits: () => [...hits],
    seen: () => [...seen],
    async close() {
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
