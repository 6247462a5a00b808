/**
 * What a refused run offers the user: the server says why in the error's data (RunRefusal in
 * protocol/runs.ts), and each reason has its fix. Pure: no vscode import, tested as is.
 */
import type { RunRefusal } from "../../protocol/runs";

export type RefusalFix =
  | { readonly label: "Save File" | "Save Files"; readonly kind: "save"; readonly files: readonly string[] }
  | {
      readonly label: "Open Problem";
      readonly kind: "open";
      readonly file: string;
      readonly line: number;
      readonly character: number;
    }
  | { readonly label: "Manage Workspace Trust"; readonly kind: "trust" }
  | { readonly label: "Show logs"; readonly kind: "logs" };

/** The refusal in an error's data, when the data has its shape; undefined for anything else. */
export function refusalOf(data: unknown): RunRefusal | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const record = data as Record<string, unknown>;
  switch (record.kind) {
    case "untrusted":
    case "selection":
      return { kind: record.kind };
    case "unsaved": {
      const files = Array.isArray(record.files)
        ? record.files.filter((file): file is string => typeof file === "string")
        : [];
      return files.length > 0 ? { kind: "unsaved", files } : undefined;
    }
    case "definitionErrors": {
      const { file, line, character } = record;
      if (typeof file !== "string" || typeof line !== "number" || typeof character !== "number") return undefined;
      return { kind: "definitionErrors", file, line, character };
    }
    default:
      return undefined;
  }
}

/** The button the refusal's toast shows: the fix when there is one, else the log. */
export function fixFor(refusal: RunRefusal | undefined): RefusalFix {
  switch (refusal?.kind) {
    case "unsaved":
      return { label: refusal.files.length === 1 ? "Save File" : "Save Files", kind: "save", files: refusal.files };
    case "definitionErrors":
      return {
        label: "Open Problem",
        kind: "open",
        file: refusal.file,
        line: refusal.line,
        character: refusal.character,
      };
    case "untrusted":
      return { label: "Manage Workspace Trust", kind: "trust" };
    case "selection":
    case undefined:
      return { label: "Show logs", kind: "logs" };
  }
}
