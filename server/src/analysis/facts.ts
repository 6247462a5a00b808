import type { BodyColumns } from "../model/columns";
import type { AnalysisDiagnostic, DefinitionMetadata, Effect, SourceLocation } from "../model/definitions";

/**
 * What one file says, read from its syntax alone. Facts never refer to another file's
 * contents, so an edit re-scans one file and only the (cheap) linking step sees the
 * whole workspace.
 */
export interface FileFacts {
  readonly file: string;
  /** The text the facts were read from: code versions hash helpers lazily from it. */
  readonly text: string;
  readonly imports: ReadonlyMap<string, ImportBinding>;
  /** Names this file exports, mapped to how each is provided. */
  readonly exports: ReadonlyMap<string, ExportedName>;
  /** `export * from "./x"` targets, in source order. */
  readonly starExports: readonly ModuleRef[];
  /** Top-level declarations (functions, classes, consts) by local name. */
  readonly declarations: ReadonlyMap<string, TopLevelDeclaration>;
  readonly calls: readonly CandidateCall[];
  /** True when the file was too large to analyze (a diagnostic says so). */
  readonly skipped: boolean;
  /** Problems visible from this file alone (unanalysable definitions, skipped file). */
  readonly diagnostics: readonly AnalysisDiagnostic[];
  readonly syntaxErrors: number;
}

/** A module specifier and what it points at: "assetline", a workspace path, or a package we don't read. */
export interface ModuleRef {
  readonly specifier: string;
  readonly target: ModuleTarget;
}

/**
 * Relative specifiers keep the normalised path without resolving it to a file: which file
 * it names ("./x" → x.ts or x/index.ts) depends on other files, so linking resolves it.
 */
export type ModuleTarget =
  { readonly kind: "assetline" } | { readonly kind: "relative"; readonly path: string } | { readonly kind: "external" };

export interface ImportBinding {
  readonly local: string;
  /** The imported name, "default", or "*" for a namespace import. */
  readonly imported: string;
  readonly module: ModuleRef;
}

export type ExportedName =
  | { readonly kind: "local"; readonly local: string }
  | { readonly kind: "reexport"; readonly imported: string; readonly module: ModuleRef };

export interface TopLevelDeclaration {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** Identifiers the declaration uses that are other top-level names or imports. */
  readonly references: readonly string[];
}

/** How a call's callee is written: `asset(...)` or `al.asset(...)`. */
export interface Callee {
  readonly root: string;
  readonly member: string | undefined;
}

/** A reference to another definition: an identifier (maybe `ns.name`) or a string key. */
export type TargetRef =
  | {
      readonly kind: "identifier";
      readonly root: string;
      readonly member: string | undefined;
      readonly text: string;
      readonly location: SourceLocation;
    }
  | { readonly kind: "string"; readonly key: string; readonly location: SourceLocation };

/**
 * A call that may be an `asset`/`check`/`source` from assetline: its callee is imported from
 * "assetline" or from a workspace file (which may re-export it). Linking decides.
 */
export interface CandidateCall {
  readonly callee: Callee;
  readonly location: SourceLocation;
  /** The top-level const the call initialises, when it does. */
  readonly declaredAs: string | undefined;
  /** Where that const's name is written (the default location of the key). */
  readonly declaredAsLocation: SourceLocation | undefined;
  readonly exported: boolean;
  /** Name of the enclosing function when the call is not at the top level (factories). */
  readonly enclosingFunction: string | undefined;
  /** Which argument layout the call has: asset/source take a config first, check a target. */
  readonly shape: "config-first" | "target-first" | "unrecognised";
  readonly config: ExtractedConfig;
  /** The first argument of a `check()` call. */
  readonly checkTarget: TargetRef | undefined;
  readonly effects: {
    readonly reads: readonly Effect[];
    readonly writes: readonly Effect[];
    readonly columns: BodyColumns;
  };
  /** The call's offsets in the file's text: its tokens are the definition's own code version, hashed when first read. */
  readonly start: number;
  readonly end: number;
  /** Top-level names and imports the call's code uses (for helper-aware code versions). */
  readonly references: readonly string[];
  /** Problems with the call's shape, reported only if linking confirms it is a definition. */
  readonly shapeProblems: readonly ShapeProblem[];
}

export interface ShapeProblem {
  readonly location: SourceLocation;
  readonly message: string;
  /** Set for an automation condition that is literal but cannot work (AL010 rather than AL006): the condition as written. */
  readonly invalidAutomation?: string;
}

/** The statically readable part of an asset/source/check config object. */
export interface ExtractedConfig extends DefinitionMetadata {
  readonly name: { readonly value: string; readonly location: SourceLocation } | undefined;
  /** `name` is given but only known at run time: the key is unknown, not the const's name. */
  readonly dynamicName: boolean;
  readonly deps: readonly TargetRef[];
  readonly blocking: boolean;
}
