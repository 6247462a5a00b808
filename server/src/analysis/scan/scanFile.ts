import { posix } from "node:path";
import { ts } from "../typescript";
import type { CandidateCall, ExportedName, FileFacts, ImportBinding, ModuleRef, TopLevelDeclaration } from "../facts";
import { analyzeCall, constLookup, isFunctionLike, WalkedConsts } from "./candidateCall";
import { EffectCollector, type ModuleBindings } from "./effects";
import { LocationMaker } from "./locations";
import { moduleRef } from "./modules";
import { parseTypeScript, syntaxErrorCount } from "./parseTypeScript";
import { failedFile, isStackOverflow, tooDeeplyNestedFile, tooLargeFile } from "./skippedFile";
import type { ConstLookup } from "./staticValues";
import { forEachDescendant, reverseFrom } from "./syntaxWalk";

export interface ScanOptions {
  /** Files larger than this are not analyzed (generated code); a diagnostic says so. */
  readonly maxFileBytes: number;
}

export const DEFAULT_SCAN_OPTIONS: ScanOptions = { maxFileBytes: 2 * 1024 * 1024 };

const SDK_CALLS = new Set(["asset", "check", "source"]);

// `ts.SyntaxKind` is an object at run time: the kinds asked of every node are read once.
const IDENTIFIER = ts.SyntaxKind.Identifier;
const LAST_TOKEN = ts.SyntaxKind.LastToken;
const PROPERTY_ACCESS = ts.SyntaxKind.PropertyAccessExpression;
const PROPERTY_ASSIGNMENT = ts.SyntaxKind.PropertyAssignment;
const COMPUTED_PROPERTY_NAME = ts.SyntaxKind.ComputedPropertyName;
const CALL = ts.SyntaxKind.CallExpression;
const OBJECT_LITERAL = ts.SyntaxKind.ObjectLiteralExpression;
const ARRAY_LITERAL = ts.SyntaxKind.ArrayLiteralExpression;
const BLOCK = ts.SyntaxKind.Block;
const VARIABLE_DECLARATION_LIST = ts.SyntaxKind.VariableDeclarationList;
const EXPRESSION_STATEMENT = ts.SyntaxKind.ExpressionStatement;
const RETURN_STATEMENT = ts.SyntaxKind.ReturnStatement;
const TEMPLATE_EXPRESSION = ts.SyntaxKind.TemplateExpression;
const TEMPLATE_SPAN = ts.SyntaxKind.TemplateSpan;
const TAGGED_TEMPLATE = ts.SyntaxKind.TaggedTemplateExpression;
const EXPORT_KEYWORD = ts.SyntaxKind.ExportKeyword;
const IMPORT_DECLARATION = ts.SyntaxKind.ImportDeclaration;
const EXPORT_DECLARATION = ts.SyntaxKind.ExportDeclaration;
const EXPORT_ASSIGNMENT = ts.SyntaxKind.ExportAssignment;
const VARIABLE_STATEMENT = ts.SyntaxKind.VariableStatement;
const CLASS_DECLARATION = ts.SyntaxKind.ClassDeclaration;
const DEFAULT_KEYWORD = ts.SyntaxKind.DefaultKeyword;
const FUNCTION_DECLARATION = ts.SyntaxKind.FunctionDeclaration;
const METHOD_DECLARATION = ts.SyntaxKind.MethodDeclaration;
const FUNCTION_EXPRESSION = ts.SyntaxKind.FunctionExpression;
const VARIABLE_DECLARATION = ts.SyntaxKind.VariableDeclaration;
const ARROW_FUNCTION = ts.SyntaxKind.ArrowFunction;

/**
 * Reads one file's facts from its syntax alone. Never throws: a file that cannot be analyzed
 * (too large, nested deeper than the parser's stack allows, or a bug) becomes facts holding
 * one AL007 on that file, so the rest of the workspace is still analyzed.
 */
export function scanFile(file: string, text: string, options: ScanOptions = DEFAULT_SCAN_OPTIONS): FileFacts {
  if (text.length > options.maxFileBytes) return tooLargeFile(file, text, options.maxFileBytes);
  try {
    // TypeScript's parser recurses per nesting level (about 1,000 nested parentheses exhaust
    // the stack); everything after it is iterative or depth-bounded.
    return new FileScanner(file, parseTypeScript(file, text)).scan();
  } catch (error) {
    return isStackOverflow(error) ? tooDeeplyNestedFile(file, text) : failedFile(file, error);
  }
}

class FileScanner {
  private readonly locations: LocationMaker;
  /** The file's folder, which every relative import starts from. */
  private readonly folder: string;
  private readonly imports = new Map<string, ImportBinding>();
  private readonly exports = new Map<string, ExportedName>();
  private readonly starExports: ModuleRef[] = [];
  private readonly declarations = new Map<string, TopLevelDeclaration>();
  private readonly declarationNodes = new Map<string, ts.Node>();
  private readonly topLevelConsts = new Map<string, ts.Expression>();
  private readonly calls: CandidateCall[] = [];
  /** Calls that initialise a top-level const: the const's name and whether it is exported. */
  private readonly declaredCalls = new Map<
    ts.Node,
    { name: string | undefined; nameNode: ts.Node | undefined; exported: boolean }
  >();
  private readonly localExports: Array<{ exported: string; local: string }> = [];
  private modules: ModuleBindings | undefined;
  /**
   * False when nothing is imported from "assetline" or a workspace file (a barrel may re-export
   * the SDK): then no call can be a definition, and the walk skips looking for them.
   */
  private mayCallDefinitions = true;
  /** Identifier sinks of the declarations and calls being walked. */
  private readonly referenceSinks: Array<Set<string>> = [];
  private readonly statementSink = new Set<string>();
  /** The names an identifier can refer to and be recorded as a use: imports and top-level declarations. */
  private readonly topLevelNames = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly sourceFile: ts.SourceFile,
  ) {
    this.locations = new LocationMaker(file, sourceFile);
    this.folder = posix.dirname(file);
  }

  scan(): FileFacts {
    for (const statement of this.sourceFile.statements) this.readTopLevel(statement);
    for (const { exported, local } of this.localExports) {
      const binding = this.imports.get(local);
      this.exports.set(
        exported,
        binding ? { kind: "reexport", imported: binding.imported, module: binding.module } : { kind: "local", local },
      );
    }
    for (const name of this.imports.keys()) this.topLevelNames.add(name);
    for (const name of this.declarations.keys()) this.topLevelNames.add(name);
    this.modules = moduleBindings(this.imports);
    this.mayCallDefinitions = false;
    for (const binding of this.imports.values())
      if (binding.module.target.kind !== "external") this.mayCallDefinitions = true;
    for (const statement of this.sourceFile.statements) this.walkTopLevel(statement);
    const syntaxErrors = syntaxErrorCount(this.sourceFile);
    return {
      file: this.file,
      text: this.sourceFile.text,
      imports: this.imports,
      exports: this.exports,
      starExports: this.starExports,
      declarations: this.declarations,
      calls: this.calls,
      diagnostics: [],
      syntaxErrors,
      skipped: false,
    };
  }

  /** First pass: the module surface (imports, exports, top-level names). */
  private readTopLevel(statement: ts.Statement): void {
    switch (statement.kind) {
      case IMPORT_DECLARATION:
        return this.readImport(statement as ts.ImportDeclaration);
      case EXPORT_DECLARATION:
        return this.readExportDeclaration(statement as ts.ExportDeclaration);
      case EXPORT_ASSIGNMENT: {
        const expression = (statement as ts.ExportAssignment).expression;
        if (ts.isIdentifier(expression)) this.localExports.push({ exported: "default", local: expression.text });
        else if (ts.isCallExpression(expression)) {
          this.declaredCalls.set(expression, { name: undefined, nameNode: undefined, exported: true });
        }
        return;
      }
      case VARIABLE_STATEMENT:
        return this.readVariableStatement(statement as ts.VariableStatement);
      case FUNCTION_DECLARATION:
      case CLASS_DECLARATION: {
        const declaration = statement as ts.FunctionDeclaration | ts.ClassDeclaration;
        if (!declaration.name) return;
        const name = declaration.name.text;
        this.declareTopLevel(name, statement);
        if (hasModifier(declaration, EXPORT_KEYWORD))
          this.localExports.push({
            exported: hasModifier(declaration, DEFAULT_KEYWORD) ? "default" : name,
            local: name,
          });
        return;
      }
      default:
        return; // types, interfaces, enums, statements: no name a definition can use by value here
    }
  }

  private readVariableStatement(statement: ts.VariableStatement): void {
    const exported = hasModifier(statement, EXPORT_KEYWORD);
    const isConst = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name)) continue;
      const name = declaration.name.text;
      this.declareTopLevel(name, declaration);
      if (exported) this.localExports.push({ exported: name, local: name });
      if (!declaration.initializer) continue;
      if (isConst) this.topLevelConsts.set(name, declaration.initializer);
      let initializer: ts.Expression = declaration.initializer;
      while (
        ts.isParenthesizedExpression(initializer) ||
        ts.isAsExpression(initializer) ||
        ts.isSatisfiesExpression(initializer)
      ) {
        initializer = initializer.expression;
      }
      if (ts.isCallExpression(initializer)) {
        this.declaredCalls.set(initializer, { name, nameNode: declaration.name, exported });
      }
    }
  }

  private declareTopLevel(name: string, node: ts.Node): void {
    this.declarationNodes.set(name, node);
    this.declarations.set(name, { name, start: node.getStart(this.sourceFile), end: node.getEnd(), references: [] });
  }

  private readImport(statement: ts.ImportDeclaration): void {
    const clause = statement.importClause;
    if (!clause || clause.isTypeOnly || !ts.isStringLiteral(statement.moduleSpecifier)) return;
    const module = moduleRef(this.file, statement.moduleSpecifier.text, this.folder);
    if (clause.name) this.imports.set(clause.name.text, { local: clause.name.text, imported: "default", module });
    const bindings = clause.namedBindings;
    if (!bindings) return;
    if (ts.isNamespaceImport(bindings)) {
      this.imports.set(bindings.name.text, { local: bindings.name.text, imported: "*", module });
      return;
    }
    for (const element of bindings.elements) {
      if (element.isTypeOnly) continue;
      const imported = (element.propertyName ?? element.name).text;
      this.imports.set(element.name.text, { local: element.name.text, imported, module });
    }
  }

  private readExportDeclaration(statement: ts.ExportDeclaration): void {
    if (statement.isTypeOnly) return;
    const specifier = statement.moduleSpecifier;
    const module =
      specifier && ts.isStringLiteral(specifier) ? moduleRef(this.file, specifier.text, this.folder) : undefined;
    const clause = statement.exportClause;
    if (!clause) {
      if (module) this.starExports.push(module);
      return;
    }
    if (ts.isNamespaceExport(clause)) {
      if (module) this.exports.set(clause.name.text, { kind: "reexport", imported: "*", module });
      return;
    }
    for (const element of clause.elements) {
      if (element.isTypeOnly) continue;
      const local = (element.propertyName ?? element.name).text;
      const exported = element.name.text;
      if (module) this.exports.set(exported, { kind: "reexport", imported: local, module });
      else this.localExports.push({ exported, local });
    }
  }

  /** Second pass: every call that may be an SDK call, and what each top-level name uses. */
  private walkTopLevel(statement: ts.Statement): void {
    const kind = statement.kind;
    if (kind === IMPORT_DECLARATION || kind === EXPORT_DECLARATION) return;
    // One set for every statement: its names are copied out before the next one is walked.
    const sink = this.statementSink;
    sink.clear();
    this.referenceSinks.push(sink);
    this.enclosing = undefined;
    this.visitChild(statement);
    this.referenceSinks.pop();
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations)
        if (ts.isIdentifier(declaration.name)) this.setReferences(declaration.name.text, sink);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      this.setReferences(statement.name.text, sink);
    }
  }

  /** The declaration of `name` with what its statement uses, itself left out. */
  private setReferences(name: string, sink: ReadonlySet<string>): void {
    const declaration = this.declarations.get(name);
    if (!declaration) return;
    // Sized once: the array is kept as long as the facts.
    const references = new Array<string>(sink.has(name) ? sink.size - 1 : sink.size);
    let at = 0;
    for (const reference of sink) if (reference !== name) references[at++] = reference;
    this.declarations.set(name, { ...declaration, references });
  }

  /**
   * The walk is depth-first in source order. It recurses (no stack of pending nodes to push, reverse
   * and pop for every node) down to MAX_RECURSION levels; below that it goes on with an explicit
   * stack: a 100,000-term string concatenation is a tree 100,000 levels deep, and TypeScript parses it.
   */
  private readonly visitChild = (child: ts.Node): undefined => {
    const kind = child.kind;
    if (kind === IDENTIFIER) this.noteUse(child as ts.Identifier);
    // Other tokens (keywords, literals, punctuation) have no children and nothing to record.
    else if (kind > LAST_TOKEN) {
      if (this.flat) this.visit(child);
      else if (this.depth < MAX_RECURSION) {
        this.depth++;
        this.visit(child);
        this.depth--;
      } else {
        const floor = this.pending.length;
        this.flat = true;
        this.pending.push(child);
        this.runPending(floor);
        this.flat = false;
      }
    }
    return undefined; // a truthy return would stop forEachChild
  };

  /** Runs the pending work above `floor`: nodes to visit, and steps to take once a call's arguments are walked. */
  private runPending(floor: number): void {
    const pending = this.pending;
    while (pending.length > floor) {
      const task = pending.pop()!;
      if (typeof task === "function") task();
      else this.visitChild(task);
    }
  }

  /** Visits `child` next: at once when recursing, or as the next pending node. */
  private visitNext(child: ts.Node): void {
    if (this.flat) this.pending.push(child);
    else this.visitChild(child);
  }

  private visit(node: ts.Node): void {
    // One switch on the kind instead of a type guard per question: this runs for every node.
    const kind = node.kind;
    if (kind === PROPERTY_ACCESS) return this.visitNext((node as ts.PropertyAccessExpression).expression);
    if (kind === PROPERTY_ASSIGNMENT) {
      const assignment = node as ts.PropertyAssignment;
      if (assignment.name.kind !== COMPUTED_PROPERTY_NAME) return this.visitNext(assignment.initializer);
      if (this.flat) {
        this.pending.push(assignment.initializer);
        this.pending.push(assignment.name);
      } else {
        this.visitChild(assignment.name);
        this.visitChild(assignment.initializer);
      }
      return;
    }
    if (kind === CALL || kind === TAGGED_TEMPLATE) {
      for (const collector of this.effectCollectors) collector.inspect(node);
      if (kind === CALL && this.mayCallDefinitions && this.isCandidateCallee((node as ts.CallExpression).expression))
        return this.beginCall(node as ts.CallExpression);
    }
    if (kind === VARIABLE_DECLARATION_LIST && this.walkedConsts.length > 0) {
      for (let i = 0; i < this.walkedConsts.length; i++) this.walkedConsts[i]!.add(node as ts.VariableDeclarationList);
    }
    if (!this.flat && this.visitedDirectly(node)) return;
    // Without a possible definition in the file, no call needs to know its enclosing function.
    const enclosing = this.enclosing;
    const name = this.mayCallDefinitions ? functionNameOf(node) : undefined;
    if (!this.flat) {
      if (name !== undefined) this.enclosing = name;
      ts.forEachChild(node, this.visitChild);
      this.enclosing = enclosing;
      return;
    }
    if (name !== undefined) {
      this.pending.push(() => void (this.enclosing = enclosing));
      this.enclosing = name;
    }
    const first = this.pending.length;
    this.firstChild = first;
    ts.forEachChild(node, this.pushChild);
    reverseFrom(this.pending, first);
  }

  /**
   * The children of the commonest kinds that are not functions, visited as forEachChild would
   * (same children, same order) without its dispatch: most nodes are one of these.
   */
  private visitedDirectly(node: ts.Node): boolean {
    switch (node.kind) {
      case OBJECT_LITERAL:
        this.visitEach((node as ts.ObjectLiteralExpression).properties);
        return true;
      case ARRAY_LITERAL:
        this.visitEach((node as ts.ArrayLiteralExpression).elements);
        return true;
      case CALL: {
        const call = node as ts.CallExpression;
        this.visitChild(call.expression);
        if (call.typeArguments) this.visitEach(call.typeArguments);
        this.visitEach(call.arguments); // the `?.` between is a token
        return true;
      }
      case BLOCK:
        this.visitEach((node as ts.Block).statements);
        return true;
      case VARIABLE_STATEMENT: {
        const statement = node as ts.VariableStatement;
        if (statement.modifiers) this.visitEach(statement.modifiers);
        this.visitChild(statement.declarationList);
        return true;
      }
      case VARIABLE_DECLARATION_LIST:
        this.visitEach((node as ts.VariableDeclarationList).declarations);
        return true;
      case EXPRESSION_STATEMENT:
        this.visitChild((node as ts.ExpressionStatement).expression);
        return true;
      case RETURN_STATEMENT: {
        const expression = (node as ts.ReturnStatement).expression;
        if (expression) this.visitChild(expression);
        return true;
      }
      case TEMPLATE_EXPRESSION:
        this.visitEach((node as ts.TemplateExpression).templateSpans); // the head is a token
        return true;
      case TEMPLATE_SPAN:
        this.visitChild((node as ts.TemplateSpan).expression); // the literal is a token
        return true;
      default:
        return false;
    }
  }

  private visitEach(nodes: ts.NodeArray<ts.Node>): void {
    for (let i = 0; i < nodes.length; i++) this.visitChild(nodes[i]!);
  }

  /**
   * The effects of the definitions whose inline function the walk is inside (a definition in a
   * factory's body sits in two): each sees the nodes of its body as `extractEffects` would.
   */
  private readonly effectCollectors: EffectCollector[] = [];
  /** The consts of the same inline functions, collected the same way. */
  private readonly walkedConsts: WalkedConsts[] = [];
  /** Nodes to visit below MAX_RECURSION, and steps to run once a call's arguments are walked. */
  private readonly pending: WalkTask[] = [];
  /** The function the node being visited is in, for "inside function X" messages. */
  private enclosing: string | undefined;
  /** How many levels the walk has recursed; `flat` once it goes on with `pending` instead. */
  private depth = 0;
  private flat = false;
  /** Where the children being pushed start in `pending`. */
  private firstChild = 0;
  private readonly pushChild = (child: ts.Node): undefined => {
    const kind = child.kind;
    if (kind === IDENTIFIER) {
      // Before any sibling is pushed, nothing can be walked ahead of this identifier: noted now,
      // as its visit would note it next (most identifiers: `x.y`, declared names, callees).
      if (this.pending.length === this.firstChild) {
        this.noteUse(child as ts.Identifier);
        return undefined;
      }
    } else if (kind <= LAST_TOKEN) {
      return undefined;
    }
    this.pending.push(child);
    return undefined; // a truthy return would stop forEachChild
  };

  /** An identifier naming an import or a top-level declaration is a use of it by the code being walked. */
  private noteUse(identifier: ts.Identifier): void {
    const name = identifier.text;
    if (this.topLevelNames.has(name)) for (const sink of this.referenceSinks) sink.add(name);
  }

  /** A callee imported from "assetline" (as asset/check/source) or from a workspace file. */
  private isCandidateCallee(callee: ts.Expression): boolean {
    const root = ts.isIdentifier(callee)
      ? callee
      : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)
        ? callee.expression
        : undefined;
    if (!root) return false;
    const binding = this.imports.get(root.text);
    if (!binding) return false;
    if (binding.module.target.kind === "relative") return true;
    if (binding.module.target.kind !== "assetline") return false;
    const name =
      binding.imported === "*" && ts.isPropertyAccessExpression(callee) ? callee.name.text : binding.imported;
    return SDK_CALLS.has(name);
  }

  /**
   * The callee is walked first (a use too: `clean(x)` of an imported helper makes `clean` part
   * of the caller's code), then the arguments into a sink of their own, then the call is
   * recorded: pushed in reverse, since the stack pops from the end.
   */
  private beginCall(call: ts.CallExpression): void {
    const enclosingFunction = this.enclosing;
    const sink = new Set<string>();
    // An inline body's effects are collected by this walk as it passes through the body.
    const inlineBody = call.arguments.find(isFunctionLike);
    const inline = inlineBody && this.inlineBodyScan(inlineBody);
    const floor = this.pending.length;
    this.pending.push(() => {
      this.referenceSinks.pop();
      for (const sinkOuter of this.referenceSinks) for (const name of sink) sinkOuter.add(name);
      this.recordCall(call, enclosingFunction, sink, inline);
    });
    for (let i = call.arguments.length - 1; i >= 0; i--) {
      const argument = call.arguments[i]!;
      if (argument === inlineBody) this.pending.push(() => this.leaveInlineBody());
      this.pending.push(argument);
      if (argument === inlineBody) this.pending.push(() => this.enterInlineBody(inline!));
    }
    this.pending.push(() => void this.referenceSinks.push(sink));
    this.pending.push(call.expression);
    // Type arguments are no code the walk follows, but a body around this call sees them.
    if (call.typeArguments && this.effectCollectors.length > 0) {
      const collectors = [...this.effectCollectors];
      for (const type of call.typeArguments)
        forEachDescendant(type, (node) => collectors.forEach((collector) => collector.inspect(node)));
    }
    // Recursing, the call's parts are walked now; flat, the loop below this one runs them.
    if (!this.flat) this.runPending(floor);
  }

  private enterInlineBody(inline: InlineBodyScan): void {
    this.effectCollectors.push(inline.collector);
    this.walkedConsts.push(inline.walkedConsts);
  }

  private leaveInlineBody(): void {
    this.effectCollectors.pop();
    this.walkedConsts.pop()!.complete = true;
  }

  private inlineBodyScan(body: ts.Node): InlineBodyScan {
    const walkedConsts = new WalkedConsts();
    const consts = constLookup(
      { sourceFile: this.sourceFile, topLevelConsts: this.topLevelConsts, body },
      walkedConsts,
    );
    const collector = new EffectCollector({
      sourceFile: this.sourceFile,
      locations: this.locations,
      consts,
      modules: this.modules!,
    });
    return { body, consts, collector, walkedConsts };
  }

  private recordCall(
    call: ts.CallExpression,
    enclosingFunction: string | undefined,
    sink: ReadonlySet<string>,
    inline: InlineBodyScan | undefined,
  ): void {
    const declared = this.declaredCalls.get(call);
    const namedFunction =
      inline === undefined
        ? call.arguments.find((argument) => ts.isIdentifier(argument) && this.isTopLevelFunction(argument.text))
        : undefined;
    const body = inline?.body ?? (namedFunction && this.declarationNodes.get((namedFunction as ts.Identifier).text));
    const start = call.getStart(this.sourceFile);
    const end = call.getEnd();
    const analyzed = analyzeCall(call, {
      sourceFile: this.sourceFile,
      locations: this.locations,
      modules: this.modules!,
      topLevelConsts: this.topLevelConsts,
      body,
      consts: inline?.consts,
      effects: inline?.collector.finish(),
    });
    this.calls.push({
      callee: analyzed.callee,
      shape: analyzed.shape,
      config: analyzed.config,
      checkTarget: analyzed.checkTarget,
      effects: analyzed.effects,
      shapeProblems: analyzed.shapeProblems,
      location: this.locations.at(start, end),
      declaredAs: declared?.name,
      declaredAsLocation: declared?.nameNode && this.locations.ofNode(declared.nameNode),
      exported: declared?.exported ?? false,
      enclosingFunction: declared ? undefined : enclosingFunction,
      start,
      end,
      references: [...sink],
    });
  }

  private isTopLevelFunction(name: string): boolean {
    const node = this.declarationNodes.get(name);
    if (!node) return false;
    if (ts.isFunctionDeclaration(node)) return true;
    return ts.isVariableDeclaration(node) && node.initializer !== undefined && isFunctionLike(node.initializer);
  }
}

type WalkTask = ts.Node | (() => void);

/**
 * How deep the walk recurses before it goes on with an explicit stack: each level is a few
 * frames (visit, forEachChild and its helpers), far below what the parser itself needed.
 */
const MAX_RECURSION = 256;

/** A definition's inline function, whose effects the walk collects on its way through. */
interface InlineBodyScan {
  readonly body: ts.Node;
  readonly consts: ConstLookup;
  readonly collector: EffectCollector;
  readonly walkedConsts: WalkedConsts;
}

/** `ts.getModifiers` without its filtered copy of the array: a decorator's kind is never a modifier's. */
function hasModifier(
  node: ts.VariableStatement | ts.FunctionDeclaration | ts.ClassDeclaration,
  kind: ts.SyntaxKind,
): boolean {
  const modifiers = node.modifiers;
  if (modifiers) for (const modifier of modifiers) if (modifier.kind === kind) return true;
  return false;
}

/** The name a function-like node is known by, for "inside function X" messages (asked of every node walked). */
function functionNameOf(node: ts.Node): string | undefined {
  switch (node.kind) {
    case FUNCTION_DECLARATION:
    case METHOD_DECLARATION:
    case FUNCTION_EXPRESSION: {
      const name = (node as ts.FunctionDeclaration | ts.MethodDeclaration | ts.FunctionExpression).name;
      if (name) return ts.isIdentifier(name) ? name.text : "a method";
      return node.kind === FUNCTION_EXPRESSION ? "an anonymous function" : undefined;
    }
    case VARIABLE_DECLARATION: {
      const declaration = node as ts.VariableDeclaration;
      return ts.isIdentifier(declaration.name) && declaration.initializer && isFunctionLike(declaration.initializer)
        ? declaration.name.text
        : undefined;
    }
    case ARROW_FUNCTION:
      return "an anonymous function";
    default:
      return undefined;
  }
}

const FS_MODULES = new Set(["fs", "node:fs"]);
const FS_PROMISE_MODULES = new Set(["fs/promises", "node:fs/promises"]);
const PATH_MODULES = new Set(["path", "node:path", "path/posix", "node:path/posix"]);

/** Most files import neither fs nor path: they share these. */
const NO_MODULE_BINDINGS: ModuleBindings = {
  fsNamespaces: new Set(),
  fsPromiseNamespaces: new Set(),
  fsFunctions: new Map(),
  pathNamespaces: new Set(),
  pathFunctions: new Map(),
};

function moduleBindings(imports: ReadonlyMap<string, ImportBinding>): ModuleBindings {
  let any = false;
  for (const { module } of imports.values()) {
    const specifier = module.specifier;
    if (FS_MODULES.has(specifier) || FS_PROMISE_MODULES.has(specifier) || PATH_MODULES.has(specifier)) any = true;
  }
  if (!any) return NO_MODULE_BINDINGS;
  const fsNamespaces = new Set<string>();
  const fsPromiseNamespaces = new Set<string>();
  const fsFunctions = new Map<string, string>();
  const pathNamespaces = new Set<string>();
  const pathFunctions = new Map<string, string>();
  for (const binding of imports.values()) {
    const specifier = binding.module.specifier;
    const whole = binding.imported === "*" || binding.imported === "default";
    if (FS_MODULES.has(specifier)) {
      if (whole) fsNamespaces.add(binding.local);
      else if (binding.imported === "promises") fsPromiseNamespaces.add(binding.local);
      else fsFunctions.set(binding.local, binding.imported);
    } else if (FS_PROMISE_MODULES.has(specifier)) {
      if (whole) fsPromiseNamespaces.add(binding.local);
      else fsFunctions.set(binding.local, binding.imported);
    } else if (PATH_MODULES.has(specifier)) {
      if (whole) pathNamespaces.add(binding.local);
      else pathFunctions.set(binding.local, binding.imported);
    }
  }
  return { fsNamespaces, fsPromiseNamespaces, fsFunctions, pathNamespaces, pathFunctions };
}
