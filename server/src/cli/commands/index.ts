import type { Command } from "../command";
import { checkCommand } from "./check";
import { graphCommand } from "./graph";

/** Every `assetline` subcommand, in the order `assetline --help` lists them. */
export const COMMANDS: readonly Command[] = [checkCommand, graphCommand];
