import "../v8Flags";
import { type Command, parseCommandArgs } from "./command";
import { COMMANDS } from "./commands";
import { ConfigError } from "../config/workspaceConfig";
import { StoreError } from "../store/errors";
import { EXIT, UsageError } from "./errors";
import { ENGINE_VERSION } from "../version";
import { visible, writeText } from "./terminalText";

function help(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    "usage: assetline <command> [options]",
    "",
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    "Run `assetline <command> --help` for a command's options.",
  ].join("\n");
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    writeText(process.stdout, `${help()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(`${ENGINE_VERSION}\n`);
    return EXIT.ok;
  }
  const command: Command | undefined = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"; run \`assetline --help\` for the list`);
  if (rest.includes("--help") || rest.includes("-h")) {
    writeText(process.stdout, `usage: ${command.usage}\n${command.summary}\n`);
    return EXIT.ok;
  }
  return command.run(parseCommandArgs(command, rest));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Messages quote selections, keys and paths the user (or a workspace) wrote: one line each.
    if (error instanceof UsageError) {
      process.stderr.write(`assetline: ${visible(error.message, true)}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`assetline: ${visible(error.message, true)}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    if (error instanceof StoreError) {
      process.stderr.write(`assetline: ${visible(error.message, true)}\n`);
      process.exitCode = EXIT.history;
      return;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    writeText(process.stderr, `assetline: internal error: ${detail}\n`);
    process.stderr.write("This is a bug in Assetline; please report it with the command you ran.\n");
    process.exitCode = EXIT.internal;
  },
);
