import { statSync } from "node:fs";
import { resolve } from "node:path";
import { DiskReader } from "../analysis";
import { UsageError } from "./errors";

/** Resolves the workspace folder argument, failing with a message that says what to do. */
export function workspaceDir(argument: string | undefined): string {
  const dir = resolve(argument ?? ".");
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`no such directory: ${argument ?? dir}`);
  }
  if (!isDirectory) throw new UsageError(`not a directory: ${argument}; pass the folder that holds your assets`);
  return dir;
}

/** Like `workspaceDir`, and also requires TypeScript files to analyze there. */
export function workspaceWithSources(argument: string | undefined): { dir: string; reader: DiskReader } {
  const dir = workspaceDir(argument);
  const reader = new DiskReader(dir);
  if (reader.listFiles().length === 0) {
    const root = reader.unreadablePaths().find((entry) => entry.path === "" && entry.kind === "folder");
    if (root) {
      throw new UsageError(
        `cannot read ${argument ?? dir} (${root.reason}); give your user read and execute permission on it, ` +
          "or pass another folder",
      );
    }
    throw new UsageError(
      `no TypeScript files in ${argument ?? dir} (node_modules and .gitignored folders are skipped); pass the folder that holds your assets`,
    );
  }
  return { dir, reader };
}
