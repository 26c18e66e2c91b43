import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  configFromTerraformOutputs,
  type RunCommand,
  readTerraformOutputs,
} from "../../../src/core/config-terraform.js";
import { StrongboxError } from "../../../src/core/errors.js";
import { engineErrorText } from "../../../src/core/terraform-diagnostics.js";

const ESC = String.fromCharCode(0x1b);

function thrown(f: () => unknown): StrongboxError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(StrongboxError);
    return e as StrongboxError;
  }
  throw new Error("expected a StrongboxError");
}

/** Terraform 1.11 with a broken ~/.terraformrc and an uninitialised backend (-no-color). */
const CLI_CONFIG_PROBLEM = [
  "There are some problems with the CLI configuration:",
  "╷",
  "│ Warning: Unable to open CLI configuration file",
  "│",
  '│ The CLI configuration file at "/root/.terraformrc" does not exist.',
  "╵",
  "",
  "As a result of the above problems, Terraform may not behave as intended.",
  "",
  "",
].join("\n");
const BACKEND_ERROR = [
  "",
  'Error: Backend initialization required, please run "terraform init"',
  "",
  'Reason: Initial configuration of the requested backend "s3"',
  "",
  'The "backend" is the interface that Terraform uses to store state,',
  "",
].join("\n");
/** The same error as Terraform prints it without -no-color. */
const COLOURED_ERROR = [
  `${ESC}[31m╷${ESC}[0m${ESC}[0m`,
  `${ESC}[31m│${ESC}[0m ${ESC}[0m${ESC}[1m${ESC}[31mError: ${ESC}[0m${ESC}[0m${ESC}[1mNo state file was found!${ESC}[0m`,
  `${ESC}[31m│${ESC}[0m ${ESC}[0m`,
  `${ESC}[31m│${ESC}[0m ${ESC}[0mState management commands require a state file.`,
  `${ESC}[31m╵${ESC}[0m${ESC}[0m`,
].join("\n");

describe("engineErrorText", () => {
  it("quotes the Error, not the CLI configuration's Warning printed before it", () => {
    expect(engineErrorText(CLI_CONFIG_PROBLEM + BACKEND_ERROR)).toBe(
      'Error: Backend initialization required, please run "terraform init" Reason: Initial configuration of the requested backend "s3" The "backend" is the interface that Terraform uses to store state,',
    );
  });

  it("drops colour codes and the box", () => {
    const text = engineErrorText(COLOURED_ERROR);
    expect(text).toBe(
      "Error: No state file was found! State management commands require a state file.",
    );
    expect(text).not.toContain(ESC);
  });

  it("a CLI configuration Error counts only when nothing else failed", () => {
    const broken = CLI_CONFIG_PROBLEM.replace(
      "Warning: Unable to open CLI configuration file",
      "Error: Error parsing /x/.terraformrc",
    );
    expect(engineErrorText(broken + BACKEND_ERROR)).toMatch(/^Error: Backend initialization/);
    expect(engineErrorText(broken)).toMatch(/^Error: Error parsing \/x\/\.terraformrc/);
  });

  it("no diagnostic at all: the first lines", () => {
    expect(engineErrorText("\nsomething odd\nhappened\nhere\nand more\n")).toBe(
      "something odd happened here",
    );
  });
});

describe("readTerraformOutputs names the engine it ran", () => {
  const failingTerraform = (stderr: string): RunCommand => {
    return async (file) => {
      if (file === "tofu") throw Object.assign(new Error("spawn tofu ENOENT"), { code: "ENOENT" });
      throw Object.assign(new Error("Command failed: terraform output -json -no-color"), {
        code: 1,
        stderr,
      });
    };
  };

  it("a failing `terraform output`: its Error lines, no escapes, and terraform in the hint", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-cfg-tf-"));
    const error = (await readTerraformOutputs(
      dir,
      failingTerraform(CLI_CONFIG_PROBLEM + BACKEND_ERROR),
    ).catch((e: unknown) => e)) as StrongboxError;
    expect(error).toBeInstanceOf(StrongboxError);
    expect(error.message).toMatch(
      /^`terraform output -json` failed in .*: Error: Backend initialization required/,
    );
    expect(error.message).not.toContain("Warning");
    expect(error.message).not.toContain(ESC);
    expect(error.hint).toContain("`terraform apply`");
    expect(error.hint).not.toContain("tofu");
  });

  it("outputs read with terraform: engine terraform, and an empty state's hint says `terraform apply`", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-cfg-tf-"));
    const run: RunCommand = async (file) => {
      if (file === "tofu") throw Object.assign(new Error("spawn tofu ENOENT"), { code: "ENOENT" });
      return { stdout: "{}", stderr: "" };
    };
    const { outputs, source, engine } = await readTerraformOutputs(dir, run);
    expect(engine).toBe("terraform");
    const error = thrown(() => configFromTerraformOutputs(outputs, source, engine));
    expect(error.message).toMatch(/has no outputs/);
    expect(error.hint).toMatch(/^run `terraform apply` in that directory/);
    expect(error.hint).not.toContain("tofu");
  });

  it("a saved file (engine unknown): the hint names both", () => {
    const error = thrown(() => configFromTerraformOutputs({}, "outputs.json"));
    expect(error.hint).toMatch(/`tofu apply` \(or `terraform apply`\)/);
  });
});
