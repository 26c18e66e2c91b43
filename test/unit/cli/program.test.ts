import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { usageFromCommander } from "../../../src/cli/program.js";
import { fakeIO } from "./cli-fixtures.js";

describe("usageFromCommander: commander's errors as usage errors", () => {
  it("moves commander's '(Did you mean …?)' line into the hint", () => {
    const err = new CommanderError(
      1,
      "commander.unknownOption",
      "error: unknown option '--rol'\n(Did you mean --role?)",
    );
    const usage = usageFromCommander(err, "ls");
    expect(usage?.message).toBe("unknown option '--rol'");
    expect(usage?.hint).toBe("did you mean --role? see `strongbox ls --help`");
    expect(usage?.exitCode).toBe(2);
  });

  it("keeps a message without a suggestion as it is", () => {
    const err = new CommanderError(1, "commander.unknownOption", "error: unknown option '--x'");
    const usage = usageFromCommander(err, "ls");
    expect(usage?.message).toBe("unknown option '--x'");
    expect(usage?.hint).toBe("see `strongbox ls --help`");
  });

  it("help and version are not failures", () => {
    expect(usageFromCommander(new CommanderError(0, "commander.helpDisplayed", ""))).toBe(
      undefined,
    );
  });
});

describe("main: commander's suggestions on stderr", () => {
  it("an unknown option's suggestion is a hint line, with no escaped newline", async () => {
    const f = fakeIO();
    expect(await main(["ls", "--ro", "viewer"], f.io)).toBe(2);
    expect(f.stderr()).toBe(
      "strongbox: unknown option '--ro'\nhint: did you mean --role? see `strongbox ls --help`\n",
    );
  });

  it("an unknown command's suggestion points to the program's --help", async () => {
    const f = fakeIO();
    expect(await main(["uplod", "f"], f.io)).toBe(2);
    expect(f.stderr()).toBe(
      "strongbox: unknown command 'uplod'\nhint: did you mean upload? see `strongbox --help`\n",
    );
  });

  it("--json: the error object carries the suggestion in its hint", async () => {
    const f = fakeIO();
    expect(await main(["--json", "ls", "--jsn"], f.io)).toBe(2);
    expect(JSON.parse(f.stdout())).toEqual({
      error: {
        kind: "usage",
        exitCode: 2,
        message: "unknown option '--jsn'",
        hint: "did you mean --json? see `strongbox ls --help`",
      },
    });
  });

  it("the flag the user typed is still escaped (it is not the trusted suggestion)", async () => {
    const f = fakeIO();
    expect(await main(["ls", "--rol\u001b[2J"], f.io)).toBe(2);
    expect(f.stderr()).not.toContain("\u001b");
    expect(f.stderr()).toContain("\\u{1b}");
  });
});
