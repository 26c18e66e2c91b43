import { keepPersonalSettings, loadConfig, writeConfig } from "../../core/config.js";
import { configFromTerraformOutputs, readTerraformOutputs } from "../../core/config-terraform.js";
import { invocation } from "../context.js";
export async function configure(options, deps) {
    const { outputs, source } = await readTerraformOutputs(options.fromTerraform);
    // A config already there keeps what its person set; one that can't be read is replaced.
    const previous = await loadConfig(deps.globals.configPath).catch(() => undefined);
    const { config, kept } = keepPersonalSettings(configFromTerraformOutputs(outputs, source), previous);
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
export const renderConfigure = (r) => [
    `wrote ${r.configPath} (from ${r.source})`,
    `bucket ${r.bucket} in ${r.region}${r.endpoint === undefined ? "" : ` via ${r.endpoint}`}`,
    ...(r.kept.length === 0 ? [] : [`kept your settings: ${r.kept.join(", ")}`]),
    `next: strongbox login --role uploader|viewer|admin`,
].join("\n");
export function register(program, ctx) {
    program
        .command("configure")
        .description("write the config from `tofu output -json` (or terraform) of a Strongbox deployment")
        .requiredOption("--from-terraform <dir>", "Terraform/OpenTofu root module directory, or a saved `output -json` file")
        .action((raw, cmd) => {
        const options = { fromTerraform: raw.fromTerraform };
        return ctx.run(cmd, invocation("configure", options, configure, renderConfigure));
    });
}
