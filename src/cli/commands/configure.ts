import { writeConfig } from "../../core/config.js";
import { configFromTerraformOutputs, readTerraformOutputs } from "../../core/config-terraform.js";
import type { ConfigureOptions } from "../args.js";
import type { CommandDeps } from "../context.js";

export interface ConfigureResult {
  configPath: string;
  source: string;
  region: string;
  bucket: string;
  endpoint: string | undefined;
  roles: Record<string, string>;
  adminMfaRequired: boolean;
}

export async function configure(
  options: ConfigureOptions,
  deps: CommandDeps,
): Promise<ConfigureResult> {
  const { outputs, source } = await readTerraformOutputs(options.fromTerraform);
  const config = configFromTerraformOutputs(outputs, source);
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
  };
}

export const renderConfigure = (r: ConfigureResult): string =>
  [
    `wrote ${r.configPath} (from ${r.source})`,
    `bucket ${r.bucket} in ${r.region}${r.endpoint === undefined ? "" : ` via ${r.endpoint}`}`,
    `next: strongbox login --role uploader|viewer|admin`,
  ].join("\n");
