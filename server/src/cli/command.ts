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
    const args = joinNegativeNumbers(command, argv);
    const { values, positionals } = parseArgs({ args, options: command.options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs["values"], positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    throw new UsageError(`${readableParseError(message)} (usage: ${command.usage})`);
  }
}

/**
 * `--timeout -1` reaches the option's own check ("must be a positive number") instead of
 * Node's "argument is ambiguous": a negative number is never meant as an option.
 */
function joinNegativeNumbers(command: Command, argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const option = optionNamed(command, arg);
    const takesValue = option !== undefined && command.options[option]!.type === "string";
    if (takesValue && next !== undefined && /^-[\d.]/.test(next)) {
      args.push(`--${option}=${next}`);
      i++;
    } else {
      args.push(arg);
    }
  }
  return args;
}

/** The long name of `--name` or `-x`, when the command has that option. */
function optionNamed(command: Command, arg: string): string | undefined {
  if (arg.startsWith("--")) return Object.hasOwn(command.options, arg.slice(2)) ? arg.slice(2) : undefined;
  if (!/^-[^-]$/.test(arg)) return undefined;
  return Object.keys(command.options).find((name) => command.options[name]!.short === arg.slice(1));
}

/** Node's parseArgs messages, in the CLI's words. */
function readableParseError(message: string): string {
  const unknown = /^Unknown option '([^']*)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /^Option '([^' ]*)(?: <value>)?' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const ambiguous = /^Option '([^']*)' argument is ambiguous/.exec(message);
  if (ambiguous) return `${ambiguous[1]} needs a value; to give one that starts with "-", write ${ambiguous[1]}=VALUE`;
  return message;
}

/** How a numeric option may look: whole or fractional, and whether 0 is allowed. */
export interface NumberRule {
  readonly whole: boolean;
  readonly allowZero: boolean;
  /** What the number counts, for the message ("seconds"). */
  readonly unit?: string;
}

/** Reads a numeric option, or undefined when it was not given; anything else is a usage error. */
export function numberOption(parsed: ParsedArgs, name: string, rule: NumberRule): number | undefined {
  const text = stringOption(parsed, name);
  if (text === undefined) return undefined;
  const value = text.trim() === "" ? Number.NaN : Number(text);
  const whole = !rule.whole || Number.isInteger(value);
  const inRange = rule.allowZero ? value >= 0 : value > 0;
  if (Number.isFinite(value) && whole && inRange) return value;
  const noun = rule.whole ? "whole number" : "number";
  const kind = `${rule.allowZero ? "" : "positive "}${noun}${rule.unit ? ` of ${rule.unit}` : ""}`;
  throw new UsageError(`--${name} must be a ${kind}${rule.allowZero ? " (0 or more)" : ""}, got "${text}"`);
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
