import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { visible } from "../cli/terminalText";

/**
 * Where a workspace keeps what a team shares: its run history and its warehouse. SQLite (the
 * embedded default, no server) or a PostgreSQL URL. One file, `assetline.config.json` at the
 * workspace root, read by the CLI and the language server alike; each URL can come from the
 * environment instead (`ASSETLINE_HISTORY_URL`, `ASSETLINE_WAREHOUSE_URL`) so that passwords
 * stay out of files a team commits. The environment wins over the file.
 *
 * Chosen over an `"assetline"` key in package.json because a workspace need not have one (the
 * example and many monorepo folders do not), and because a file of its own can be ignored or
 * templated by deployment tooling without touching the package manifest.
 */
export const CONFIG_FILE = "assetline.config.json";
export const HISTORY_URL_ENV = "ASSETLINE_HISTORY_URL";
export const WAREHOUSE_URL_ENV = "ASSETLINE_WAREHOUSE_URL";

export type BackendTarget =
  | { readonly kind: "sqlite" }
  | {
      readonly kind: "postgres";
      readonly url: string;
      /** Where the URL came from, for messages: the file or the environment variable's name. */
      readonly from: string;
    };

/** A target on PostgreSQL. */
export type PostgresTarget = Extract<BackendTarget, { kind: "postgres" }>;

/** Where the editor's runs execute: in the language server's process tree, or on `assetline worker`s. */
export type MaterializeMode = "local" | "distributed";
const MODES: readonly MaterializeMode[] = ["local", "distributed"];

export interface WorkspaceConfig {
  readonly history: BackendTarget;
  readonly warehouse: BackendTarget;
  /**
   * Runs started from the editor ("local" by default). The CLI stays explicit: `materialize`
   * runs locally unless given `--distributed`, so a script never changes meaning with the file.
   */
  readonly materialize: MaterializeMode;
  /** The config file read, when there is one. */
  readonly file?: string;
}

/** A configuration the user must fix: one line naming the file (or variable) and what to do. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const KEYS = ["history", "warehouse", "materialize"] as const;
type Key = (typeof KEYS)[number];
type BackendKey = Exclude<Key, "materialize">;
const ENV_OF: Record<BackendKey, string> = { history: HISTORY_URL_ENV, warehouse: WAREHOUSE_URL_ENV };

/** Reads the workspace's configuration; throws ConfigError when it is unusable. */
export function loadWorkspaceConfig(workspaceRoot: string, env: NodeJS.ProcessEnv = process.env): WorkspaceConfig {
  const file = join(workspaceRoot, CONFIG_FILE);
  const fromFile = existsSync(file) ? readConfigFile(file) : {};
  const target = (key: BackendKey): BackendTarget => {
    const envValue = env[ENV_OF[key]];
    if (envValue !== undefined && envValue.trim() !== "") return parseTarget(envValue.trim(), ENV_OF[key]);
    const value = fromFile[key];
    return value === undefined ? { kind: "sqlite" } : parseTarget(value, `${CONFIG_FILE} "${key}"`);
  };
  const history = target("history");
  const materialize = materializeMode(fromFile.materialize, history, file);
  return { history, warehouse: target("warehouse"), materialize, ...(existsSync(file) ? { file } : {}) };
}

function materializeMode(value: string | undefined, history: BackendTarget, file: string): MaterializeMode {
  if (value === undefined) return "local";
  if (!(MODES as readonly string[]).includes(value)) {
    throw new ConfigError(`${file}: "materialize" must be "local" or "distributed", not "${clip(value)}"`);
  }
  if (value === "distributed" && history.kind !== "postgres") {
    throw new ConfigError(
      `${file}: "materialize": "distributed" needs the run history on PostgreSQL (the workers share it); set "history" (or ${HISTORY_URL_ENV}) to a postgres:// URL or remove "materialize"`,
    );
  }
  return value as MaterializeMode;
}

function readConfigFile(file: string): Partial<Record<Key, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : "it cannot be read";
    throw new ConfigError(`${file}: not valid JSON (${reason}); fix it or remove the file to use SQLite`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${file}: expected an object such as {"history": "sqlite"}`);
  }
  const result: Partial<Record<Key, string>> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key === "$schema") continue;
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(`${file}: unknown key "${clip(key)}"; the keys are ${KEYS.join(", ")}`);
    }
    if (key === "materialize" && typeof value !== "string") {
      throw new ConfigError(`${file}: "materialize" must be "local" or "distributed"`);
    }
    if (typeof value !== "string") {
      throw new ConfigError(`${file}: "${key}" must be "sqlite" or a postgres:// URL`);
    }
    result[key as Key] = value;
  }
  return result;
}

function parseTarget(value: string, from: string): BackendTarget {
  if (value === "sqlite") return { kind: "sqlite" };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${from}: "${redact(value)}" is neither "sqlite" nor a URL like postgres://user@host/db`);
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new ConfigError(`${from}: unsupported scheme "${clip(url.protocol)}"; use "sqlite" or a postgres:// URL`);
  }
  if (url.pathname.length <= 1 && !url.searchParams.has("host")) {
    throw new ConfigError(`${from}: the URL names no database; add one, as in postgres://user@host:5432/assetline`);
  }
  return { kind: "postgres", url: value, from };
}

/** A URL safe to print: the password, when there is one, replaced by `***`. */
export function redact(value: string): string {
  try {
    const url = new URL(value);
    if (url.password !== "") url.password = "***";
    return clip(url.toString());
  } catch {
    return clip(value.replace(/:[^:@/]*@/, ":***@"));
  }
}

function clip(text: string): string {
  const printable = visible(text, true);
  return printable.length > 80 ? `${printable.slice(0, 77)}...` : printable;
}
