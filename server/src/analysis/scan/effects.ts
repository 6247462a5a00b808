import { posix } from "node:path";
import { ts } from "../typescript";
import type { BodyColumns } from "../../model/columns";
import type { Effect, ResourceId } from "../../model/definitions";
import { extractTables, type SqlDialect } from "../sql/extractTables";
import type { TableMention } from "../sql/tableMention";
import { ColumnCollector, inHole } from "./columnFacts";
import type { LocationMaker } from "./locations";
import { exactArray } from "./retainedShapes";
import { ownedName, tableResource } from "./sqlNames";
import { forEachDescendant } from "./syntaxWalk";
import { type ConstLookup, staticString, unwrap } from "./staticValues";

/** Which local names refer to `fs`, `fs/promises` and `path`, from the file's imports. */
export interface ModuleBindings {
  /** `fs` namespaces/defaults: `fs.readFileSync`, `fs.promises.readFile`. */
  readonly fsNamespaces: ReadonlySet<string>;
  /** `fs/promises` namespaces/defaults: `fsp.readFile`. */
  readonly fsPromiseNamespaces: ReadonlySet<string>;
  /** Named fs functions: local name → imported name. */
  readonly fsFunctions: ReadonlyMap<string, string>;
  readonly pathNamespaces: ReadonlySet<string>;
  /** Named `path` functions: local name → imported name (join, resolve). */
  readonly pathFunctions: ReadonlyMap<string, string>;
}

interface EffectContext {
  readonly sourceFile: ts.SourceFile;
  readonly locations: LocationMaker;
  readonly consts: ConstLookup;
  readonly modules: ModuleBindings;
}

interface EffectSinks {
  readonly reads: Effect[];
  readonly writes: Effect[];
  readonly columns: ColumnCollector;
  /**
   * `sql` templates given straight to a call, with that call's dialect. The walk is pre-order, so
   * a call is met before its arguments; a template anywhere else is read as SQLite.
   */
  readonly tagDialects: Map<ts.Node, SqlDialect>;
}

/** Methods of `ctx.db` (and SQL clients like it) whose first argument is SQL. */
const SQL_METHODS = new Set(["exec", "prepare", "query", "execute", "run", "all", "get"]);
const FILE_READS = new Set(["readFile", "readFileSync", "createReadStream"]);
const FILE_WRITES = new Set([
  "writeFile",
  "writeFileSync",
  "appendFile",
  "appendFileSync",
  "createWriteStream",
  "rm",
  "rmSync",
  "unlink",
  "unlinkSync",
  "truncate",
  "truncateSync",
]);
/** (source, destination) operations: the first path is read, the second written. */
const FILE_COPIES = new Set(["copyFile", "copyFileSync", "cp", "cpSync", "rename", "renameSync"]);
const PATH_JOINERS = new Set(["join", "resolve"]);
/** SQL methods whose first argument is always SQL: a non-literal one is SQL built at run time. */
const SQL_TEXT_METHODS = new Set(["exec", "prepare", "query", "execute"]);

export interface ExtractedEffects {
  readonly reads: Effect[];
  readonly writes: Effect[];
  readonly columns: BodyColumns;
}

/** Tables and files a definition's code reads and writes, with exact locations, and the columns its SQL names. */
export function extractEffects(body: ts.Node, context: EffectContext): ExtractedEffects {
  const collector = new EffectCollector(context);
  forEachDescendant(body, (node) => collector.inspect(node));
  return collector.finish();
}

/**
 * The effects of one body, fed its nodes in source order (pre-order) by whichever walk meets
 * them: the file scanner's own walk for a function given inline, so the body is walked once.
 */
export class EffectCollector {
  private readonly sinks: EffectSinks;

  constructor(private readonly context: EffectContext) {
    this.sinks = { reads: [], writes: [], columns: new ColumnCollector(context.locations), tagDialects: new Map() };
  }

  inspect(node: ts.Node): void {
    if (ts.isCallExpression(node)) inspectCall(node, this.context, this.sinks);
    else if (ts.isTaggedTemplateExpression(node) && isSqlTag(node.tag))
      addSql(node.template, this.context, this.sinks, this.sinks.tagDialects.get(node) ?? "sqlite");
  }

  finish(): ExtractedEffects {
    return {
      reads: exactArray(this.sinks.reads),
      writes: exactArray(this.sinks.writes),
      columns: this.sinks.columns.finish(),
    };
  }
}

function isSqlTag(tag: ts.Expression): boolean {
  return (
    (ts.isIdentifier(tag) && tag.text === "sql") || (ts.isPropertyAccessExpression(tag) && tag.name.text === "sql")
  );
}

/**
 * `ctx.warehouse.exec(...)`, `warehouse.query(...)` (destructured, or any `const warehouse`): SQL
 * for the configured warehouse, read as PostgreSQL. Everything else (`ctx.db`) is SQLite.
 */
function receiverDialect(callee: ts.PropertyAccessExpression): SqlDialect {
  const receiver = unwrap(callee.expression);
  const name = ts.isIdentifier(receiver)
    ? receiver.text
    : ts.isPropertyAccessExpression(receiver)
      ? receiver.name.text
      : undefined;
  return name === "warehouse" ? "postgresql" : "sqlite";
}

function inspectCall(call: ts.CallExpression, context: EffectContext, sinks: EffectSinks): void {
  const { reads, writes } = sinks;
  const callee = call.expression;
  const first = call.arguments[0];
  if (!first) return;
  const fsFunction = fsFunctionName(callee, context.modules);
  if (fsFunction !== undefined) {
    if (FILE_READS.has(fsFunction)) addFile(first, context, reads);
    else if (FILE_WRITES.has(fsFunction)) addFile(first, context, writes);
    else if (FILE_COPIES.has(fsFunction)) {
      addFile(first, context, reads);
      const destination = call.arguments[1];
      if (destination) addFile(destination, context, writes);
    }
    return;
  }
  if (ts.isPropertyAccessExpression(callee) && SQL_METHODS.has(callee.name.text)) {
    const given = unwrap(first);
    // A `sql` tagged template is read where the walk meets it; anything else not static is built at run time.
    const tagged = ts.isTaggedTemplateExpression(given) && isSqlTag(given.tag);
    if (tagged) sinks.tagDialects.set(given, receiverDialect(callee));
    if (!addSql(first, context, sinks, receiverDialect(callee)) && !tagged && SQL_TEXT_METHODS.has(callee.name.text))
      sinks.columns.markPartial();
  }
}

/** The fs function a callee names (`readFileSync`, `fs.writeFile`, `fs.promises.readFile`), if any. */
function fsFunctionName(callee: ts.Expression, modules: ModuleBindings): string | undefined {
  if (ts.isIdentifier(callee)) return modules.fsFunctions.get(callee.text);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const receiver = callee.expression;
  if (ts.isIdentifier(receiver)) {
    if (modules.fsNamespaces.has(receiver.text) || modules.fsPromiseNamespaces.has(receiver.text))
      return callee.name.text;
    return undefined;
  }
  if (
    ts.isPropertyAccessExpression(receiver) &&
    receiver.name.text === "promises" &&
    ts.isIdentifier(receiver.expression) &&
    modules.fsNamespaces.has(receiver.expression.text)
  ) {
    return callee.name.text;
  }
  return undefined;
}

function addFile(argument: ts.Expression, context: EffectContext, into: Effect[]): void {
  const path = staticPath(argument, context);
  if (path === undefined) return;
  const normalised = posix.normalize(path.replace(/\\/g, "/")).replace(/^\.\//, "");
  const resource: ResourceId = `file:${normalised}`;
  into.push({ resource, location: context.locations.ofNode(unwrap(argument)) });
}

function staticPath(argument: ts.Expression, context: EffectContext): string | undefined {
  const direct = staticString(argument, context.consts);
  if (direct !== undefined) return direct;
  const node = unwrap(argument);
  if (!ts.isCallExpression(node) || !isPathJoin(node.expression, context.modules)) return undefined;
  const parts: string[] = [];
  for (const part of node.arguments) {
    const value = staticString(part, context.consts);
    if (value === undefined) return undefined; // __dirname, process.cwd(), ...: not knowable here
    parts.push(value);
  }
  return posix.join(...parts);
}

function isPathJoin(callee: ts.Expression, modules: ModuleBindings): boolean {
  if (ts.isIdentifier(callee)) return PATH_JOINERS.has(modules.pathFunctions.get(callee.text) ?? "");
  return (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    modules.pathNamespaces.has(callee.expression.text) &&
    PATH_JOINERS.has(callee.name.text)
  );
}

/** The SQL text of a string-like node, as written in the source, with its offset there. */
interface SqlText {
  readonly text: string;
  readonly offset: number;
  /** Ranges (in `text`) standing for `${...}` substitutions; mentions inside them are dropped. */
  readonly holes: ReadonlyArray<readonly [number, number]>;
}

function sqlText(node: ts.Expression, context: EffectContext, depth = 0): SqlText | undefined {
  const expression = unwrap(node);
  const source = context.sourceFile.text;
  if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) {
    const start = expression.getStart(context.sourceFile) + 1;
    return { text: flatSlice(source, start, expression.getEnd() - 1), offset: start, holes: NO_HOLES };
  }
  if (ts.isTemplateExpression(expression)) {
    // Keep the raw source so offsets map one to one; blank each `${...}` with an identifier
    // of the same length so the SQL still parses around it.
    const start = expression.getStart(context.sourceFile) + 1;
    const parts: string[] = [];
    const holes: Array<readonly [number, number]> = [];
    let from = start;
    let previousEnd = expression.head.getEnd();
    for (const span of expression.templateSpans) {
      const holeStart = previousEnd - 2;
      const holeEnd = span.literal.getStart(context.sourceFile) + 1;
      parts.push(source.slice(from, holeStart), "_".repeat(holeEnd - holeStart));
      holes.push([holeStart - start, holeEnd - start]);
      from = holeEnd;
      previousEnd = span.literal.getEnd();
    }
    parts.push(source.slice(from, expression.getEnd() - 1));
    return { text: parts.join(""), offset: start, holes };
  }
  if (ts.isIdentifier(expression) && depth < 4) {
    const initializer = context.consts(expression.text);
    return initializer ? sqlText(initializer, context, depth + 1) : undefined;
  }
  return undefined;
}

const NO_HOLES: ReadonlyArray<readonly [number, number]> = [];

/**
 * source[start, end) as a sequential string of its own. A substring is a view in V8, and the
 * tokenizer reads a view's characters ~1.5x slower than a flat string's (an Array join builds
 * a flat one); nor does the SQL text then keep the file's text alive.
 */
function flatSlice(source: string, start: number, end: number): string {
  if (end - start < 13) return source.slice(start, end);
  return [source.slice(start, start + 1), source.slice(start + 1, end)].join("");
}

/** Adds the effects of SQL given as `node`; false when its text is not known statically. */
function addSql(node: ts.Expression, context: EffectContext, sinks: EffectSinks, dialect: SqlDialect): boolean {
  const { reads, writes } = sinks;
  const sql = sqlText(node, context);
  if (!sql) return false;
  if (!looksLikeSql(sql.text)) return true;
  const tables = extractTables(sql.text, dialect);
  sinks.columns.addSql(tables, sql.offset, sql.holes);
  const owned = tables.namesOwned === true;
  addMentions(tables.reads, reads, sql, context.locations, owned);
  addMentions(tables.writes, writes, sql, context.locations, owned);
  return true;
}

/** One effect per table mention outside the text's `${...}` holes, located in the file; `owned`: names need no copy. */
function addMentions(
  mentions: readonly TableMention[],
  into: Effect[],
  sql: SqlText,
  locations: LocationMaker,
  owned: boolean,
): void {
  const withHoles = sql.holes.length > 0;
  for (const mention of mentions) {
    if (withHoles && inHole(sql.holes, mention.start, mention.end)) continue;
    into.push({
      resource: tableResource(owned ? mention.name : ownedName(mention.name)),
      location: locations.at(sql.offset + mention.start, sql.offset + mention.end),
    });
  }
}

/** Statement words: SQL is text with one of them as a word (most SQL starts with one). */
const SQL_WORDS = /\b(select|insert|update|delete|create|replace|drop|alter|with)\b/i;
const FIRST_WORDS = new Set(["select", "insert", "update", "delete", "create", "replace", "drop", "alter", "with"]);

/** Cheap guard so strings given to unrelated `.get()`/`.run()` methods are not parsed as SQL. */
function looksLikeSql(text: string): boolean {
  // The first word decides most texts without the regular expression (which finds the same word there).
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  let j = i;
  while (j < text.length && isRegExpWordCharacter(text.charCodeAt(j))) j++;
  if (j - i >= 4 && j - i <= 7 && FIRST_WORDS.has(text.slice(i, j).toLowerCase())) return true;
  return SQL_WORDS.test(text);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/** A character `\b` counts as part of a word: [A-Za-z0-9_]. */
function isRegExpWordCharacter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}
