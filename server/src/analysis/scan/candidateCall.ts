import { ts } from "../typescript";
import type { CandidateCall, Callee, ShapeProblem } from "../facts";
import { EMPTY_CONFIG, extractConfig, targetRef } from "./config";
import { NO_COLUMNS } from "../../model/columns";
import { extractEffects, type ExtractedEffects, type ModuleBindings } from "./effects";
import type { LocationMaker } from "./locations";
import { type ConstLookup, unwrap } from "./staticValues";
import { forEachDescendant } from "./syntaxWalk";

interface CallContext {
  readonly sourceFile: ts.SourceFile;
  readonly locations: LocationMaker;
  readonly modules: ModuleBindings;
  readonly topLevelConsts: ReadonlyMap<string, ts.Expression>;
  /** The code that runs for the definition: the function argument or the function it names. */
  readonly body: ts.Node | undefined;
  /** The body's consts, when the caller made the lookup already (`constLookup`). */
  readonly consts?: ConstLookup;
  /** The body's effects, when the caller's walk collected them already. */
  readonly effects?: ExtractedEffects;
}

type AnalyzedCall = Pick<CandidateCall, "callee" | "shape" | "config" | "checkTarget" | "effects" | "shapeProblems">;

/** True for arrow functions and function expressions. */
export function isFunctionLike(node: ts.Node): node is ts.ArrowFunction | ts.FunctionExpression {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

/**
 * Reads what a possible `asset`/`source`/`check` call declares. Both argument layouts are
 * read, because whether the callee really is the SDK is only known after linking.
 */
export function analyzeCall(call: ts.CallExpression, context: CallContext): AnalyzedCall {
  const callee = calleeOf(call.expression);
  const consts = context.consts ?? constLookup(context);
  const configContext = { locations: context.locations, sourceFile: context.sourceFile, consts };
  const args = call.arguments;
  const first = args.length > 0 ? unwrap(args[0]!) : undefined;
  const second = args.length > 1 ? unwrap(args[1]!) : undefined;
  const problems: ShapeProblem[] = [];
  let shape: CandidateCall["shape"] = "unrecognised";
  let config = EMPTY_CONFIG;
  let checkTarget: CandidateCall["checkTarget"];

  if (first === undefined || ts.isObjectLiteralExpression(first)) {
    shape = "config-first";
    if (first) {
      const extracted = extractConfig(first, configContext);
      config = extracted.config;
      problems.push(...extracted.problems);
    }
  } else if (second && ts.isObjectLiteralExpression(second)) {
    shape = "target-first";
    checkTarget = targetRef(first, configContext);
    if (!checkTarget) {
      problems.push({
        location: context.locations.ofNode(first),
        message: `the check target \`${first.getText(context.sourceFile)}\` is not an asset reference or a string key; pass the asset's const or its key`,
      });
    }
    const extracted = extractConfig(second, configContext);
    config = extracted.config;
    problems.push(...extracted.problems);
  } else {
    problems.push({
      location: context.locations.ofNode(first),
      message: `\`${first.getText(context.sourceFile)}\` is not an object literal, so the definition's options cannot be read without running code; write the config object inline`,
    });
  }
  const effects =
    context.effects ??
    (context.body
      ? extractEffects(context.body, {
          sourceFile: context.sourceFile,
          locations: context.locations,
          consts,
          modules: context.modules,
        })
      : { reads: [], writes: [], columns: NO_COLUMNS });
  return { callee, shape, config, checkTarget, effects, shapeProblems: problems };
}

function calleeOf(expression: ts.Expression): Callee {
  if (ts.isIdentifier(expression)) return { root: expression.text, member: undefined };
  const access = expression as ts.PropertyAccessExpression;
  return { root: (access.expression as ts.Identifier).text, member: access.name.text };
}

/**
 * The consts an inline function declares, handed over by the file's walk as it meets their
 * declarations (in source order, as `collectConsts` finds them). Once the walk has left the
 * function (`complete`) they are all of them: the lookups that follow the walk (the config's
 * deps and check target by reference, names given as consts) need no search of the body's text.
 */
export class WalkedConsts {
  private found: Map<string, ts.Expression> | undefined;
  complete = false;

  add(list: ts.VariableDeclarationList): void {
    if ((list.flags & ts.NodeFlags.Const) !== 0) addConsts(list, (this.found ??= new Map()));
  }

  get declared(): ReadonlyMap<string, ts.Expression> {
    return this.found ?? NO_CONSTS;
  }
}

const NO_CONSTS: ReadonlyMap<string, ts.Expression> = new Map();

/**
 * Consts visible to the definition: those declared inside its body (looked up lazily, since
 * most bodies use none, or handed over by the walk: `walked`) and the file's top-level consts.
 */
export function constLookup(
  context: Pick<CallContext, "sourceFile" | "topLevelConsts" | "body">,
  walked?: WalkedConsts,
): ConstLookup {
  let local: ReadonlyMap<string, ts.Expression> | undefined;
  let escaped: boolean | undefined;
  return (name) => {
    if (!local && walked?.complete) local = walked.declared;
    if (!local) {
      // A body whose text never spells the name cannot declare it (unless an identifier is
      // written with \u escapes): skip walking it, which most lookups (deps by reference) allow.
      const body = context.body;
      if (!body) return context.topLevelConsts.get(name);
      const text = context.sourceFile.text;
      escaped ??= hasEscape(text, body);
      if (!escaped && !mayDeclare(text, body, name)) return context.topLevelConsts.get(name);
      const found = new Map<string, ts.Expression>();
      collectConsts(body, found);
      local = found;
    }
    return local.get(name) ?? context.topLevelConsts.get(name);
  };
}

/**
 * False only when the body cannot declare `const name = ...`: no occurrence of the name in
 * the body's text is followed by what can follow a declared name (`=`, `:` for a type, `!`
 * or `?`, a comment). Most lookups (deps by reference, whose names also appear in the SQL as
 * table names) can then skip the walk.
 */
function mayDeclare(text: string, body: ts.Node, name: string): boolean {
  const end = body.end;
  for (let at = text.indexOf(name, body.pos); at >= 0 && at + name.length <= end; at = text.indexOf(name, at + 1)) {
    let next = at + name.length;
    while (next < end && isWhitespace(text.charCodeAt(next))) next++;
    if (next >= end) return true;
    const c = text.charCodeAt(next);
    // Anything but ASCII (other whitespace TypeScript accepts) counts as "may declare" too.
    if (c === 61 /* = */ || c === 58 /* : */ || c === 33 /* ! */ || c === 63 /* ? */ || c === 47 /* / */ || c >= 128)
      return true;
  }
  return false;
}

/** True when the body holds a backslash: an identifier spelt with escapes may then declare any name. */
function hasEscape(text: string, body: ts.Node): boolean {
  const escape = text.indexOf("\\", body.pos);
  return escape >= 0 && escape < body.end;
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 11 || c === 12;
}

function collectConsts(body: ts.Node, into: Map<string, ts.Expression>): void {
  forEachDescendant(body, (node) => {
    if (ts.isVariableDeclarationList(node) && (node.flags & ts.NodeFlags.Const) !== 0) addConsts(node, into);
  });
}

/** The list's declarations of a single name with a value; the first declaration of a name wins. */
function addConsts(list: ts.VariableDeclarationList, into: Map<string, ts.Expression>): void {
  for (const declaration of list.declarations) {
    if (ts.isIdentifier(declaration.name) && declaration.initializer && !into.has(declaration.name.text)) {
      into.set(declaration.name.text, declaration.initializer);
    }
  }
}
