/**
 * Quick fixes for the diagnostics that have one: AL002 (replace with the closest key, or
 * declare a source), AL003 (add the producer to `deps`), AL005 (retarget the check to the
 * closest key), AL001 (open the cycle in the lineage panel).
 */
import { type CodeAction, CodeActionKind, type Range, type TextEdit } from "vscode-languageserver";
import type { ts } from "../analysis/typescript";
import type { AnalysisSnapshot } from "../analysis";
import type { AnalysisDiagnostic, AssetDefinition } from "../model/definitions";
import { ClientCommands, clientCommand } from "../../../protocol";
import { toLspDiagnostic } from "./diagnostics";
import { SnapshotIndex } from "./snapshotIndex";
import { SourceText } from "./sourceText";
import { overlaps, toRange } from "./uris";
import type { WorkspacePaths } from "./workspacePaths";

export interface CodeActionRequest {
  readonly snapshot: AnalysisSnapshot;
  readonly paths: WorkspacePaths;
  readonly file: string;
  /** The document's current text (what the edits apply to). */
  readonly text: string;
  readonly range: Range;
  /** The kinds the client asked for, if it narrowed them. */
  readonly only: readonly string[] | undefined;
}

/** A reference to an asset as this file can write it, with the edits that make it valid (an import). */
interface Reference {
  readonly text: string;
  readonly edits: readonly TextEdit[];
  readonly how: string;
}

export function codeActions(request: CodeActionRequest): CodeAction[] {
  const { snapshot, file, range, only } = request;
  if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
  const diagnostics = snapshot.diagnostics.filter((d) => d.location.file === file && overlaps(d.location.range, range));
  if (diagnostics.length === 0) return [];
  const source = SourceText.parse(file, request.text);
  if (!source) return [];
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    const fix = new Fixes(request, source, diagnostic);
    actions.push(...fix.actions());
  }
  return actions;
}

class Fixes {
  private readonly index: SnapshotIndex;
  private readonly fileExists: (file: string) => boolean;

  constructor(
    private readonly request: CodeActionRequest,
    private readonly source: SourceText,
    private readonly diagnostic: AnalysisDiagnostic,
  ) {
    this.index = SnapshotIndex.of(request.snapshot);
    const files = new Set(request.snapshot.files);
    this.fileExists = (candidate) => files.has(candidate);
  }

  actions(): CodeAction[] {
    const data = this.diagnostic.data;
    if (!data) return [];
    if (data.kind === "cycle") {
      const title = `Show the cycle ${data.path.join(" → ")} in the lineage panel`;
      return [
        this.action(
          title,
          undefined,
          clientCommand(title, ClientCommands.showLineage, { focus: data.path[0], highlight: data.path }),
        ),
      ];
    }
    // Edits are computed on the current text; on broken syntax they could land anywhere.
    if (!this.source.parses) return [];
    switch (data.kind) {
      case "missingUpstream":
        return [...this.replaceWith(data.suggestion), ...this.declareSource(data.missing)];
      case "badCheckTarget":
        return this.replaceWith(data.suggestion);
      case "undeclaredDependency":
        return this.addDependency(data.asset, data.producer);
      default:
        return [];
    }
  }

  /** Replaces the mistyped key or reference with the closest existing key. */
  private replaceWith(suggestion: string | undefined): CodeAction[] {
    if (suggestion === undefined) return [];
    const target = this.index.definition(suggestion);
    const range = this.diagnostic.location.range;
    const start = this.source.offsetAt(range.start);
    const end = this.source.offsetAt(range.end);
    const before = this.source.text[start - 1];
    if ((before === '"' || before === "'" || before === "`") && this.source.text[end] === before) {
      return [
        this.action(`Replace with "${suggestion}"`, [{ range: toRange(range), newText: suggestion }], undefined, true),
      ];
    }
    const statement = this.statementOfDiagnostic();
    const reference = target
      ? this.referenceTo(target, statement)
      : { text: this.quoted(suggestion), edits: [], how: "by key" };
    const edits = [{ range: toRange(range), newText: reference.text }, ...reference.edits];
    return [this.action(`Replace with ${suggestion} (${reference.how})`, edits, undefined, true)];
  }

  /** Declares the missing key as a source, above the definition that needs it. */
  private declareSource(missing: string): CodeAction[] {
    const dep = this.index.mentionAt(this.request.file, this.diagnostic.location.range.start);
    if (dep?.kind !== "dep") return [];
    const statement = this.statementOfDiagnostic();
    if (!statement) return [];
    const taken = this.source.topLevelNames();
    let name: string;
    if (dep.dep.via === "reference") {
      // The reference resolves once a local const has that name; an import of it cannot be shadowed.
      if (!/^[A-Za-z_$][\w$]*$/.test(dep.dep.text) || taken.has(dep.dep.text)) return [];
      name = dep.dep.text;
    } else {
      name = identifierFor(missing, taken);
    }
    const sdk = this.source.sdkFunction("source");
    const at = statement.getStart(this.source.sourceFile);
    const declaration = `export const ${name} = ${sdk.call}({ name: ${this.quoted(missing)} });\n\n`;
    const edits: TextEdit[] = [{ range: this.source.rangeOf(at, at), newText: declaration }];
    if (sdk.edit) edits.push(sdk.edit);
    return [this.action(`Declare "${missing}" as a source`, edits)];
  }

  /** Adds the asset producing what the body reads to the reader's `deps`. */
  private addDependency(assetKey: string, producerKey: string): CodeAction[] {
    const mention = this.index.mentionAt(this.request.file, this.diagnostic.location.range.start);
    const asset = mention?.kind === "effect" ? mention.owner : this.index.definition(assetKey);
    const producer = this.index.definition(producerKey);
    if (!asset || !producer || asset.location.file !== this.request.file) return [];
    const call = this.source.callAt(asset.location.range.start);
    if (!call) return [];
    const reference = this.referenceTo(producer, this.source.statementOf(call));
    const depEdit = this.source.addDep(call, reference.text);
    if (!depEdit) return [];
    return [
      this.action(
        `Add ${producerKey} to the deps of ${assetKey} (${reference.how})`,
        [depEdit, ...reference.edits],
        undefined,
        true,
      ),
    ];
  }

  /**
   * By reference when this file can name the producer (declared above, or exported and
   * importable without a name clash), else by string key, which always works.
   */
  private referenceTo(producer: AssetDefinition, usedIn: ts.Statement | undefined): Reference {
    const byKey: Reference = { text: this.quoted(producer.key), edits: [], how: "by key" };
    const name = producer.exportName;
    if (name === undefined) return byKey;
    if (producer.location.file === this.request.file) {
      // `deps` is evaluated when the module loads: a const declared further down is not initialised yet.
      const usedAt = usedIn ? this.source.positionAt(usedIn.getStart(this.source.sourceFile)).line : 0;
      return producer.location.range.start.line < usedAt ? { text: name, edits: [], how: "by reference" } : byKey;
    }
    if (!producer.exported) return byKey;
    const existing = this.source.importedAs(producer.location.file, name, this.fileExists);
    if (existing) return { text: existing, edits: [], how: "by reference" };
    if (this.source.topLevelNames().has(name)) return byKey;
    const specifier = this.source.specifierFor(producer.location.file);
    return { text: name, edits: [this.source.addImport(name, specifier)], how: `imported from ${specifier}` };
  }

  private statementOfDiagnostic(): ts.Statement | undefined {
    const node = this.source.nodeAt(this.source.offsetAt(this.diagnostic.location.range.start));
    return node ? this.source.statementOf(node) : undefined;
  }

  private quoted(text: string): string {
    const quote = this.source.quote();
    return `${quote}${text.replace(/\\/g, "\\\\").replace(new RegExp(quote, "g"), `\\${quote}`)}${quote}`;
  }

  private action(
    title: string,
    edits: readonly TextEdit[] | undefined,
    command?: CodeAction["command"],
    preferred = false,
  ): CodeAction {
    const { paths, file } = this.request;
    const action: CodeAction = {
      title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [toLspDiagnostic(this.diagnostic, paths, true)],
    };
    if (edits) action.edit = { changes: { [paths.uriOf(file)]: [...edits] } };
    if (command) action.command = command;
    if (preferred) action.isPreferred = true;
    return action;
  }
}

/** A valid, unused const name for a key: "raw/orders" → raw_orders. */
function identifierFor(key: string, taken: ReadonlySet<string>): string {
  let base = key.replace(/[^\w$]/g, "_");
  if (!/^[A-Za-z_$]/.test(base)) base = `_${base}`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  return name;
}
