import type { Command } from "commander";
import { keepPersonalSettings, loadConfig, writeConfig } from "../../core/config.js";
import { configFromTerraformOutputs, readTerraformOutputs } from "../../core/config-terraform.js";
import { type CommandContext, type CommandDeps, invocation } from "../context.js";
import { examples } from "../help.js";

export interface ConfigureOptions {
  /** A Terraform/OpenTofu root module directory, or a saved `output -json` file. */
  fromTerraform: string;
}

export interface ConfigureResult {
  configPath: string;
  source: string;
  region: string;
  bucket: string;
  endpoint: string | undefined;
  roles: Record<string, string>;
  adminMfaRequired: boolean;
  /** Settings of the config it replaced that it kept (defaultRole, profiles, mfaSerial, mfaSessionSeconds, transfer). */
  kept: string[];
}

export async function configure(
  options: ConfigureOptions,
  deps: CommandDeps,
): Promise<ConfigureResult> {
  const { outputs, source, engine } = await readTerraformOutputs(options.fromTerraform);
  // A config already there keeps what its person set; one that can't be read is replaced.
  const previous = await loadConfig(deps.globals.configPath).catch(() => undefined);
  const { config, kept } = keepPersonalSettings(
    configFromTerraformOutputs(outputs, source, engine),
    previous,
  );
  await writeConfig(deps.globals.configPath, config);
  deps.log.debug(`config written from ${source}`);
  return {
    configPath: deps.globals.configPath,
    source,
    region: config.region,
    bucket: config.bucket,
    endpoint: config.endpoint,
    roles: config.roles,
    adminMfaRequired: config.adminMfaRequired,
    kept,
  };
}

export const renderConfigure = (r: ConfigureResult): string =>
  [
    `wrote ${r.configPath} (from ${r.source})`,
    `bucket ${r.bucket} in ${r.region}${r.endpoint === undefined ? "" : ` via ${r.endpoint}`}`,
    ...(r.kept.length === 0 ? [] : [`kept your settings: ${r.kept.join(", ")}`]),
    `next: strongbox login --role uploader|viewer|admin`,
  ].join("\n");

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("configure")
    .description(
      "write the config from `tofu output -json` (or terraform) of a Strongbox deployment",
    )
    .addHelpText(
      "after",
      examples(
        "strongbox configure --from-terraform infra/envs/aws",
        "strongbox configure --from-terraform outputs.json --config ./strongbox.json",
      ),
    )
    .requiredOption(
      "--from-terraform <dir>",
      "Terraform/OpenTofu root module directory, or a saved `output -json` file",
    )
    .action((raw: { fromTerraform: string }, cmd: Command) => {
      const options: ConfigureOptions = { fromTerraform: raw.fromTerraform };
      return ctx.run(cmd, invocation("configure", options, configure, renderConfigure));
    });
}
