import type { Command } from "../command";
import { checkCommand } from "./check";
import { graphCommand } from "./graph";
import { impactCommand } from "./impact";
import { materializeCommand } from "./materialize";
import { logsCommand, runsCommand } from "./runs";
import { statusCommand } from "./status";

/** Every `assetline` subcommand, in the order `assetline --help` lists them. */
export const COMMANDS: readonly Command[] = [
  checkCommand,
  graphCommand,
  impactCommand,
  materializeCommand,
  statusCommand,
  runsCommand,
  logsCommand,
];
