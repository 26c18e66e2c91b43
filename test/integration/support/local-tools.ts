import { createServer } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";

/** A tool that `scripts/bootstrap.sh` built into the strongbox cache (bin/NAME). */
export const cachedBinary = (name: string) =>
  join(
    process.env.STRONGBOX_CACHE ??
      join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "strongbox"),
    "bin",
    name,
  );

/** A loopback port free at the time of asking. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
