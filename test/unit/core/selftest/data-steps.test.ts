import { describe, expect, it } from "vitest";
import { uploadStep } from "../../../../src/core/selftest/data-steps.js";
import { runSteps } from "../../../../src/core/selftest/runner.js";
import {
  type HttpRequest,
  type HttpResponse,
  type Transport,
  TransportError,
} from "../../../../src/core/transfer/transport.js";
import { SECRET, T0, testSession } from "../../cli/cli-fixtures.js";
import { FakeClock } from "../audit/fakes.js";
import { response as answer } from "../transfer/upload-fixtures.js";
import { selftestEnv } from "./fixtures.js";

/*
 * The selftest's pre-signed requests take the transfers' request path
 * (s3Call): a dropped connection is retried by the same policy, and a refusal
 * is worded as a transfer's would be (which role may do it).
 */

/** Answers in turn from `script`: a response, or an error thrown as the transport would. */
function scripted(script: (HttpResponse | Error)[]): Transport & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    async send(req) {
      requests.push(req);
      const next = script.shift();
      if (next === undefined) throw new Error("no more answers scripted");
      if (next instanceof Error) throw next;
      return next;
    },
    async close() {},
  };
}

const run = (http: Transport) => {
  const env = selftestEnv({
    sessions: { uploader: testSession("uploader", T0 + 3600_000) },
    http,
    clock: new FakeClock(T0),
  });
  return runSteps([uploadStep], env, { environment: "emulator", now: () => T0 }).then((report) => ({
    env,
    step: report.steps[0],
  }));
};

describe("selftest upload step on the transfers' request path", () => {
  it("retries a dropped connection, signing the request again, then keeps the version", async () => {
    const http = scripted([
      new TransportError("network", "Network error (ECONNRESET)."),
      answer(200, "", { "x-amz-version-id": "v1" }),
    ]);
    const { env, step } = await run(http);
    expect(step?.status).toBe("pass");
    expect(env.state.versionId).toBe("v1");
    expect(http.requests).toHaveLength(2);
    const [first, second] = http.requests;
    expect(first?.method).toBe("PUT");
    // The body's length is a signed header, sent as signed.
    expect(first?.headers["content-length"]).toBe(String(env.state.body?.length));
    expect(first?.url).toMatch(/X-Amz-SignedHeaders=content-length%3Bhost/);
    expect(second?.url).toMatch(/X-Amz-Signature=/);
  });

  it("a refused upload fails with the refusal in words (which role may upload), no secret", async () => {
    const denied = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";
    const { step } = await run(scripted([answer(403, denied)]));
    expect(step?.status).toBe("fail");
    expect(step?.detail).toMatch(/access denied: role uploader may not PutObject on s3:\/\//);
    expect(step?.detail).not.toContain(SECRET);
  });
});
