import { existsSync } from "node:fs";
import { join } from "node:path";
export function platformDirs(env, home, platform = process.platform) {
    const set = (name) => {
        const value = env[name];
        // XDG: a relative path is invalid and must be ignored.
        return value !== undefined && value !== "" && (platform === "win32" || value.startsWith("/"))
            ? value
            : undefined;
    };
    if (platform === "win32") {
        const roaming = set("APPDATA") ?? join(home, "AppData", "Roaming");
        return { config: join(roaming, "strongbox") };
    }
    if (platform === "darwin") {
        return { config: join(home, "Library", "Application Support", "strongbox") };
    }
    return {
        config: join(set("XDG_CONFIG_HOME") ?? join(home, ".config"), "strongbox"),
    };
}
/** Where versions up to 0.1 kept the config on every platform: still read when the new place has none. */
export const legacyConfigPath = (home) => join(home, ".config", "strongbox", "config.json");
/**
 * $STRONGBOX_CONFIG, else config.json in the platform's config folder, else
 * (when only that exists) the old ~/.config/strongbox/config.json.
 */
export function defaultConfigPath(env, home, platform = process.platform, exists = existsSync) {
    const fromEnv = env.STRONGBOX_CONFIG;
    if (fromEnv !== undefined && fromEnv !== "")
        return fromEnv;
    const standard = join(platformDirs(env, home, platform).config, "config.json");
    const legacy = legacyConfigPath(home);
    return !exists(standard) && exists(legacy) ? legacy : standard;
}
