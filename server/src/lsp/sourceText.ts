/**
 * Reading and editing a document's current text by its TypeScript syntax, for the features
 * that act on what the user sees right now (quick fixes, completion) rather than on the
 * last analysis: adding a dep, adding an import, finding the call a range belongs to.
 */
import { posix } from "node:path";
import type { Position, TextEdit } from "vscode-languageserver";
import { ts } from "../analysis/typescript";
import { moduleRef, resolveRelativeModule, SDK_MODULE } from "../analysis/scan/modules";
import { parseTypeScript, syntaxErrorCount } from "../analysis/scan/parseTypeScript";
import { reverseFrom } from "../analysis/scan/syntaxWalk";

export class SourceText {
  readonly sourceFile: ts.SourceFile;

  private constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.sourceFile = parseTypeScript(file, text, true);
  }

  /**
   * The document's syntax, or undefined when TypeScript's parser cannot build it (nesting
   * deeper than its stack allows): the features using it then offer nothing for that file.
   */
  static parse(file: string, text: string): SourceText | undefined {
    try {
      return new SourceText(file, text);
    } catch {
      return undefined;
    }
  }

  /** True when the text parses: edits computed on broken syntax could land in the wrong place. */
  get parses(): boolean {
    return syntaxErrorCount(this.sourceFile) === 0;
  }

  offsetAt(position: Position): number {
    return this.sourceFile.getPositionOfLineAndCharacter(position.line, position.character);
  }

  positionAt(offset: number): Position {
    const { line, character } = this.sourceFile.getLineAndCharacterOfPosition(offset);
    return { line, character };
  }

  /**
   * The innermost node containing `offset` (tokens included); where two siblings touch at
   * `offset`, the later one. A loop down one path, not recursion: syntax can nest 100,000 deep.
   */
  nodeAt(offset: number): ts.Node | undefined {
    const contains = (node: ts.Node): boolean => offset >= node.getStart(this.sourceFile) && offset <= node.getEnd();
    if (!contains(this.sourceFile)) return undefined;
    let found: ts.Node = this.sourceFile;
    for (;;) {
      let next: ts.Node | undefined;
      ts.forEachChild(found, (child) => {
        if (contains(child)) next = child;
        return undefined;
      });
      if (!next) return found;
      found = next;
    }
  }

  /** The call expression that starts exactly at `position` (an analyzed definition's location). */
  callAt(position: Position): ts.CallExpression | undefined {
    const offset = this.offsetAt(position);
    const stack: ts.Node[] = [this.sourceFile];
    const push = (child: ts.Node): undefined => {
      if (offset >= child.getFullStart() && offset <= child.getEnd()) stack.push(child);
      return undefined;
    };
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (ts.isCallExpression(node) && node.getStart(this.sourceFile) === offset) return node;
      const first = stack.length;
      ts.forEachChild(node, push);
      reverseFrom(stack, first);
    }
    return undefined;
  }

  /** The top-level statement containing `node`. */
  statementOf(node: ts.Node): ts.Statement | undefined {
    let current: ts.Node | undefined = node;
    while (current && current.parent !== this.sourceFile) current = current.parent;
    return current as ts.Statement | undefined;
  }

  /** Names bound at the top level (declarations and imports), so added names never clash. */
  topLevelNames(): Set<string> {
    const names = new Set<string>();
    for (const statement of this.sourceFile.statements) {
      if (ts.isImportDeclaration(statement)) {
        const clause = statement.importClause;
        if (clause?.name) names.add(clause.name.text);
        const bindings = clause?.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
        else if (bindings) for (const element of bindings.elements) names.add(element.name.text);
      } else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations)
          if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text);
      } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
        names.add(statement.name.text);
      }
    }
    return names;
  }

  /** The local name under which `imported` of the workspace file `target` is imported here, if it is. */
  importedAs(target: string, imported: string, fileExists: (file: string) => boolean): string | undefined {
    for (const statement of this.sourceFile.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const ref = moduleRef(this.file, statement.moduleSpecifier.text);
      if (ref.target.kind !== "relative" || resolveRelativeModule(ref.target.path, fileExists) !== target) continue;
      const bindings = statement.importClause?.namedBindings;
      if (!bindings || statement.importClause?.isTypeOnly) continue;
      if (ts.isNamespaceImport(bindings)) return `${bindings.name.text}.${imported}`;
      const element = bindings.elements.find(
        (candidate) => (candidate.propertyName ?? candidate.name).text === imported && !candidate.isTypeOnly,
      );
      if (element) return element.name.text;
    }
    return undefined;
  }

  /** How this file should spell an import of `target`: relative, and with ".js" if its other imports use it. */
  specifierFor(target: string): string {
    const usesJs = this.sourceFile.statements.some(
      (statement) =>
        ts.isImportDeclaration(statement) &&
        ts.isStringLiteral(statement.moduleSpecifier) &&
        statement.moduleSpecifier.text.startsWith(".") &&
        statement.moduleSpecifier.text.endsWith(".js"),
    );
    let path = posix.relative(posix.dirname(this.file), target).replace(/\.(ts|tsx|mts|cts)$/, "");
    if (!path.startsWith(".")) path = `./${path}`;
    return usesJs ? `${path}.js` : path.replace(/\/index$/, "");
  }

  /** An edit importing `name` from `specifier`: into an existing named import of it, else a new line after the imports. */
  addImport(name: string, specifier: string): TextEdit {
    const quote = this.quote();
    for (const statement of this.sourceFile.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      if (statement.moduleSpecifier.text !== specifier || statement.importClause?.isTypeOnly) continue;
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        const last = bindings.elements[bindings.elements.length - 1];
        const at = last ? last.getEnd() : bindings.getStart(this.sourceFile) + 1;
        return { range: this.rangeOf(at, at), newText: last ? `, ${name}` : ` ${name} ` };
      }
    }
    const imports = this.sourceFile.statements.filter(ts.isImportDeclaration);
    const after = imports[imports.length - 1];
    const line = `import { ${name} } from ${quote}${specifier}${quote};\n`;
    if (!after) return { range: this.rangeOf(0, 0), newText: line };
    const at = this.lineEndAfter(after.getEnd());
    const newline = at === this.text.length && !this.text.endsWith("\n") ? "\n" : "";
    return { range: this.rangeOf(at, at), newText: newline + line };
  }

  /** How to call the SDK's `name` here (`source`, `al.source`), and the import edit needed first, if any. */
  sdkFunction(name: string): { call: string; edit: TextEdit | undefined } {
    for (const statement of this.sourceFile.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      if (statement.moduleSpecifier.text !== SDK_MODULE || statement.importClause?.isTypeOnly) continue;
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) return { call: `${bindings.name.text}.${name}`, edit: undefined };
      const element =
        bindings && ts.isNamedImports(bindings)
          ? bindings.elements.find(
              (candidate) => (candidate.propertyName ?? candidate.name).text === name && !candidate.isTypeOnly,
            )
          : undefined;
      if (element) return { call: element.name.text, edit: undefined };
    }
    return { call: name, edit: this.addImport(name, SDK_MODULE) };
  }

  /** An edit appending `element` to the `deps` array of a config object (creating `deps` when absent). */
  addDep(call: ts.CallExpression, element: string): TextEdit | undefined {
    const config = call.arguments.find(ts.isObjectLiteralExpression);
    if (!config) return undefined;
    const deps = config.properties.find(
      (property): property is ts.PropertyAssignment =>
        ts.isPropertyAssignment(property) && property.name.getText(this.sourceFile) === "deps",
    );
    if (deps) {
      if (!ts.isArrayLiteralExpression(deps.initializer)) return undefined;
      const elements = deps.initializer.elements;
      const last = elements[elements.length - 1];
      if (!last) {
        const at = deps.initializer.getStart(this.sourceFile) + 1;
        return { range: this.rangeOf(at, at), newText: element };
      }
      return { range: this.rangeOf(last.getEnd(), last.getEnd()), newText: `, ${element}` };
    }
    const first = config.properties[0];
    if (!first) {
      const at = config.getStart(this.sourceFile) + 1;
      return { range: this.rangeOf(at, at), newText: ` deps: [${element}] ` };
    }
    // Same line layout as the first property: its indentation, then the property.
    const start = first.getStart(this.sourceFile);
    const lineStart = this.text.lastIndexOf("\n", start - 1) + 1;
    const indentation = this.text.slice(lineStart, start);
    const multiline = /^\s*$/.test(indentation);
    return {
      range: this.rangeOf(start, start),
      newText: multiline ? `deps: [${element}],\n${indentation}` : `deps: [${element}], `,
    };
  }

  rangeOf(start: number, end: number): { start: Position; end: Position } {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** The quote the file's imports use, so added code looks like the user's. */
  quote(): string {
    const first = this.sourceFile.statements.find((statement) => ts.isImportDeclaration(statement));
    return first && ts.isImportDeclaration(first) && first.moduleSpecifier.getText(this.sourceFile).startsWith("'")
      ? "'"
      : '"';
  }

  private lineEndAfter(offset: number): number {
    const newline = this.text.indexOf("\n", offset);
    return newline === -1 ? this.text.length : newline + 1;
  }
}
