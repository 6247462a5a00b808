import type { Command } from "../command";
import { automateCommand } from "./automate";
import { checkCommand } from "./check";
import { graphCommand } from "./graph";
import { impactCommand } from "./impact";
import { materializeCommand } from "./materialize";
import { logsCommand, runsCommand } from "./runs";
import { statusCommand } from "./status";
import { workerCommand, workersCommand } from "./worker";

/** Every `assetline` subcommand, in the order `assetline --help` lists them. */
export const COMMANDS: readonly Command[] = [
  checkCommand,
  graphCommand,
  impactCommand,
  materializeCommand,
  automateCommand,
  statusCommand,
  runsCommand,
  logsCommand,
  workerCommand,
  workersCommand,
];
