import { describe, expect, it } from "vitest";
import { renderDownload } from "../../../src/cli/commands/download.js";
import { renderUpload } from "../../../src/cli/commands/upload.js";

/** What upload and download print (their argv is in argv-table.test.ts). */
describe("upload/download renderers", () => {
  it("renders one line per file", () => {
    const line = renderUpload({
      files: [{ key: "k", versionId: "v", size: 2048, checksum: "abc=", seconds: 2 }],
      planned: [],
      unchanged: [],
      excluded: 0,
      dryRun: false,
    });
    expect(line).toBe("uploaded k (2.0 KiB in 2.0 s, 1.0 KiB/s) version v sha256 abc=");
    expect(
      renderDownload({
        files: [
          {
            key: "k",
            versionId: null,
            path: "/t/k",
            size: 1,
            checksum: null,
            verified: "sha256",
            resumed: true,
            seconds: 0.5,
          },
        ],
        planned: [],
        unchanged: [],
        dryRun: false,
      }),
    ).toBe("downloaded k → /t/k (1 B in 0.5 s, resumed; verified: sha256)");
  });

  it("a multipart upload's composite checksum is worded as the SHA-256 of its parts", () => {
    const uploaded = (checksum: string) =>
      renderUpload({
        files: [{ key: "k", versionId: null, size: 2048, checksum, seconds: 2 }],
        planned: [],
        unchanged: [],
        excluded: 0,
        dryRun: false,
      });
    expect(uploaded("q2Zk1pVUSqbmyLIA6pPLNDv9+Pz6ACsGFStkkV20gFc=-25")).toBe(
      "uploaded k (2.0 KiB in 2.0 s, 1.0 KiB/s) sha256 of 25 parts q2Zk1pVUSqbmyLIA6pPLNDv9+Pz6ACsGFStkkV20gFc=",
    );
    expect(uploaded("abc=-1")).toMatch(/ sha256 of 1 part abc=$/);
    expect(uploaded("abc=")).toMatch(/\) sha256 abc=$/);
  });
});
