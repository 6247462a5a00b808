/**
 * Commands the server puts in CodeLenses and code actions and the CLIENT executes. The
 * server never registers them (no executeCommandProvider): the VS Code extension owns them,
 * so a command id exists exactly once in the editor. Each id has one argument tuple type.
 */
import type { Command } from "vscode-languageserver-protocol";

export interface AssetCommandArgs {
  /** The asset key in user form ("marts/orders"). */
  readonly key: string;
}

export interface RunChecksCommandArgs {
  readonly key: string;
  /** One check of the asset; all of its checks when absent. */
  readonly check?: string;
}

export interface ShowLineageCommandArgs {
  /** The key the panel centres on. */
  readonly focus?: string;
  /** Keys to highlight, e.g. a dependency cycle in path order (first key repeated last). */
  readonly highlight?: readonly string[];
}

/** Command id → the arguments it is sent with. */
export interface ClientCommandArguments {
  /** Materialize one asset. */
  "assetline.materialize": [AssetCommandArgs];
  /** Materialize an asset and everything upstream of it (`+key`). */
  "assetline.materializeWithUpstream": [AssetCommandArgs];
  /** Run the checks of an asset (or one check). */
  "assetline.runChecks": [RunChecksCommandArgs];
  /** Open the lineage panel on a key, optionally highlighting a path. */
  "assetline.showLineage": [ShowLineageCommandArgs];
}

export type ClientCommandId = keyof ClientCommandArguments;

export const ClientCommands = {
  materialize: "assetline.materialize",
  materializeWithUpstream: "assetline.materializeWithUpstream",
  runChecks: "assetline.runChecks",
  showLineage: "assetline.showLineage",
} as const satisfies Record<string, ClientCommandId>;

/** A typed LSP Command: the id and its arguments cannot disagree. */
export function clientCommand<Id extends ClientCommandId>(
  title: string,
  command: Id,
  ...args: ClientCommandArguments[Id]
): Command {
  return { title, command, arguments: args };
}
