import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * The platform's standard places for Strongbox's files:
 * Linux and other Unix: $XDG_CONFIG_HOME/strongbox (~/.config/strongbox) and
 * $XDG_STATE_HOME/strongbox (~/.local/state/strongbox); macOS:
 * ~/Library/Application Support/strongbox for both; Windows: %APPDATA%\strongbox
 * (config, roams) and %LOCALAPPDATA%\strongbox (state, stays on the machine).
 */
export interface PlatformDirs {
  config: string;
  state: string;
}

export function platformDirs(
  env: NodeJS.ProcessEnv,
  home: string,
  platform: NodeJS.Platform = process.platform,
): PlatformDirs {
  const set = (name: string) => {
    const value = env[name];
    // XDG: a relative path is invalid and must be ignored.
    return value !== undefined && value !== "" && (platform === "win32" || value.startsWith("/"))
      ? value
      : undefined;
  };
  if (platform === "win32") {
    const roaming = set("APPDATA") ?? join(home, "AppData", "Roaming");
    const local = set("LOCALAPPDATA") ?? join(home, "AppData", "Local");
    return { config: join(roaming, "strongbox"), state: join(local, "strongbox") };
  }
  if (platform === "darwin") {
    const support = join(home, "Library", "Application Support", "strongbox");
    return { config: support, state: support };
  }
  return {
    config: join(set("XDG_CONFIG_HOME") ?? join(home, ".config"), "strongbox"),
    state: join(set("XDG_STATE_HOME") ?? join(home, ".local", "state"), "strongbox"),
  };
}

/** Where versions up to 0.1 kept the config on every platform: still read when the new place has none. */
export const legacyConfigPath = (home: string): string =>
  join(home, ".config", "strongbox", "config.json");

/**
 * $STRONGBOX_CONFIG, else config.json in the platform's config folder, else
 * (when only that exists) the old ~/.config/strongbox/config.json.
 */
export function defaultConfigPath(
  env: NodeJS.ProcessEnv,
  home: string,
  platform: NodeJS.Platform = process.platform,
  exists: (path: string) => boolean = existsSync,
): string {
  const fromEnv = env.STRONGBOX_CONFIG;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const standard = join(platformDirs(env, home, platform).config, "config.json");
  const legacy = legacyConfigPath(home);
  return !exists(standard) && exists(legacy) ? legacy : standard;
}

/** Upload resume records: <state>/transfers. The old place, next to the config, is still read. */
export const transfersDir = (env: NodeJS.ProcessEnv, home: string, platform = process.platform) =>
  join(platformDirs(env, home, platform).state, "transfers");
