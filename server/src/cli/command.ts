import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors";

/** One `assetline <name>` subcommand. */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly options: NonNullable<ParseArgsConfig["options"]>;
  /** Runs the command; resolves to the process exit code. */
  run(parsed: ParsedArgs): Promise<number> | number;
}

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: readonly string[];
}

/** Parses argv for a command; unknown options and bad values are usage errors. */
export function parseCommandArgs(command: Command, argv: readonly string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: command.options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs["values"], positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    throw new UsageError(`${message.replace(/^Unknown option '([^']*)'.*/, "unknown option $1")} (usage: ${command.usage})`);
  }
}

/** The value of a string option, or undefined when it was not given. */
export function stringOption(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === "string" ? value : undefined;
}

/** Reads `--format` and checks it is one the command supports. */
export function formatOption<T extends string>(parsed: ParsedArgs, allowed: readonly T[], fallback: T): T {
  const value = parsed.values.format;
  if (value === undefined) return fallback;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`unknown format "${String(value)}"; expected one of ${allowed.join(", ")}`);
}
