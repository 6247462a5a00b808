/**
 * What the static analysis knows about a workspace: plain, serialisable data.
 * The analysis produces it; the graph, the CLI, the executor and the LSP consume it.
 */
import type { BodyColumns } from "./columns";

/** A zero-based position, `character` in UTF-16 code units (the LSP convention). */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface TextRange {
  readonly start: Position;
  readonly end: Position;
}

/** A range inside a workspace file; `file` is workspace-relative with forward slashes. */
export interface SourceLocation {
  readonly file: string;
  readonly range: TextRange;
}

export type DefinitionKind = "asset" | "source";

/**
 * Something an asset touches outside its own code: `table:<name>` (lower-cased, unqualified)
 * or `file:<workspace-relative path>`.
 */
export type ResourceId = `table:${string}` | `file:${string}`;

export interface Effect {
  readonly resource: ResourceId;
  /** Where the table name or path is written (inside the SQL string or the fs call). */
  readonly location: SourceLocation;
}

export interface DependencyRef {
  /** The key this dep resolves to, or undefined when it resolves to nothing. */
  readonly key: string | undefined;
  readonly via: "reference" | "string";
  /** The identifier or string key as the user wrote it (without quotes). */
  readonly text: string;
  readonly location: SourceLocation;
}

/** When an asset counts as overdue: older than this since its last materialization. */
export interface FreshnessPolicy {
  readonly maxLagMinutes: number;
}

/**
 * One automation condition of an asset, as the analysis read it (the SDK's `automation` option):
 * any condition in an asset's list can trigger a materialization (see model/automation.ts).
 */
export type AutomationCondition =
  /** An upstream has a newer materialization, or the code changed since the last one. */
  | { readonly kind: "eager" }
  /** Early enough that the asset never exceeds its `freshness.maxLagMinutes`. */
  | { readonly kind: "on-freshness" }
  /** At each tick of a cron schedule, when upstream data is newer than the last run (always with `force`). */
  | { readonly kind: "cron"; readonly cron: string; readonly timezone: string | undefined; readonly force: boolean };

/**
 * What a definition's config says about it besides its key and deps, as the analysis read it:
 * the same fields the SDK's `AssetConfig` and `SourceConfig` offer users, with absent lists
 * and records made empty.
 */
export interface DefinitionMetadata {
  readonly group: string | undefined;
  readonly owners: readonly string[];
  readonly kinds: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly description: string | undefined;
  readonly freshness: FreshnessPolicy | undefined;
  /** When the automation loop materializes it; empty: only when someone asks. Always empty for sources. */
  readonly automation: readonly AutomationCondition[];
}

export interface AssetDefinition extends DefinitionMetadata {
  readonly key: string;
  readonly kind: DefinitionKind;
  readonly location: SourceLocation;
  /** Where the key is spelled: the `name` value, or the exported const's identifier. */
  readonly keyLocation: SourceLocation;
  /** The const the definition is assigned to, when there is one. */
  readonly exportName: string | undefined;
  readonly exported: boolean;
  readonly deps: readonly DependencyRef[];
  /** Hash of the definition's syntax and of the local helpers it calls. */
  readonly codeVersion: string;
  readonly reads: readonly Effect[];
  readonly writes: readonly Effect[];
  /** What the body's SQL states about columns (see model/columns.ts); empty for sources. */
  readonly columns: BodyColumns;
}

export interface CheckDefinition {
  readonly name: string;
  /** The key of the targeted asset, when the target resolves to one. */
  readonly assetKey: string | undefined;
  readonly targetText: string;
  readonly targetLocation: SourceLocation;
  readonly location: SourceLocation;
  readonly exportName: string | undefined;
  readonly exported: boolean;
  readonly blocking: boolean;
  readonly description: string | undefined;
  readonly codeVersion: string;
}

export type DiagnosticCode =
  "AL001" | "AL002" | "AL003" | "AL004" | "AL005" | "AL006" | "AL007" | "AL008" | "AL009" | "AL010";
export type Severity = "error" | "warning" | "info";

export const SEVERITY_OF_CODE: Readonly<Record<DiagnosticCode, Severity>> = {
  AL001: "error",
  AL002: "error",
  AL003: "warning",
  AL004: "error",
  AL005: "error",
  AL006: "warning",
  /** A file too large to analyse; one hiding code the user wrote (unreadable, too deeply nested) warns. */
  AL007: "info",
  AL008: "warning",
  AL009: "error",
  /** An automation condition that cannot work as written (a bad cron, an unknown time zone): it is ignored. */
  AL010: "warning",
};

/** Machine-readable facts a quick fix needs, per code. */
export type DiagnosticData =
  | { readonly kind: "cycle"; readonly path: readonly string[] }
  | { readonly kind: "missingUpstream"; readonly missing: string; readonly suggestion: string | undefined }
  | {
      readonly kind: "undeclaredDependency";
      readonly asset: string;
      readonly producer: string;
      readonly resource: ResourceId;
    }
  | { readonly kind: "duplicateKey"; readonly key: string }
  | { readonly kind: "badCheckTarget"; readonly target: string; readonly suggestion: string | undefined }
  | { readonly kind: "notStatic" }
  | { readonly kind: "fileSkipped"; readonly reason: string }
  /** An automation condition that cannot work as written (AL010). */
  | { readonly kind: "invalidAutomation"; readonly condition: string }
  /** An asset key or check name that cannot be used as written (AL009). */
  | { readonly kind: "invalidName"; readonly name: string }
  | {
      readonly kind: "unknownColumn";
      readonly table: string;
      readonly column: string;
      /** The asset whose SQL states the table's columns. */
      readonly upstream: string;
      readonly suggestion: string | undefined;
    };

export interface RelatedInformation {
  readonly location: SourceLocation;
  readonly message: string;
}

export interface AnalysisDiagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly location: SourceLocation;
  readonly message: string;
  readonly related: readonly RelatedInformation[];
  readonly data: DiagnosticData | undefined;
}
