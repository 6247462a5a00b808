/**
 * Reads an asset's `automation` option: `"eager"`, `"on-freshness"`, `{ cron, timezone?, force? }`,
 * or an array of those. What is not written literally is AL006 (not static); what is literal but
 * cannot work (a bad cron expression, an unknown time zone, an unknown word) is AL010, and that
 * condition is left out so the automation loop never acts on it.
 */
import { ts } from "../typescript";
import type { AutomationCondition } from "../../model/definitions";
import { cronProblem } from "../../automation/cron";
import type { ShapeProblem } from "../facts";
import type { LocationMaker } from "./locations";
import { type ConstLookup, propertyName, staticString, unwrap } from "./staticValues";

interface AutomationContext {
  readonly locations: LocationMaker;
  readonly sourceFile: ts.SourceFile;
  readonly consts: ConstLookup;
}

const EXPECTED = '`"eager"`, `"on-freshness"`, `{ cron: "0 6 * * *" }` or an array of those';

/** The conditions written in `value`, and the problems of those that cannot be read or used. */
export function extractAutomation(
  value: ts.Expression,
  context: AutomationContext,
): { conditions: AutomationCondition[]; problems: ShapeProblem[] } {
  const problems: ShapeProblem[] = [];
  const conditions: AutomationCondition[] = [];
  const node = unwrap(value);
  const elements = ts.isArrayLiteralExpression(node) ? node.elements : [node];
  for (const element of elements) {
    const condition = readCondition(element, context, problems);
    if (condition !== undefined && !conditions.some((known) => sameCondition(known, condition)))
      conditions.push(condition);
  }
  return { conditions, problems };
}

function readCondition(
  expression: ts.Expression,
  context: AutomationContext,
  problems: ShapeProblem[],
): AutomationCondition | undefined {
  const text = expression.getText(context.sourceFile);
  const notStatic = (node: ts.Node, what: string): undefined => {
    problems.push({
      location: context.locations.ofNode(node),
      message: `\`automation\` holds \`${text}\`, which is only known when the code runs; write ${what}`,
    });
    return undefined;
  };
  const invalid = (node: ts.Node, condition: string, message: string): undefined => {
    problems.push({ location: context.locations.ofNode(node), message, invalidAutomation: condition });
    return undefined;
  };
  const node = unwrap(expression);
  if (ts.isSpreadElement(node)) return notStatic(node, `each condition inline: ${EXPECTED}`);
  if (!ts.isObjectLiteralExpression(node)) {
    const word = staticString(node, context.consts);
    if (word === undefined) return notStatic(node, EXPECTED);
    if (word === "eager" || word === "on-freshness") return { kind: word };
    return invalid(node, word, `"${word}" is not an automation condition; write ${EXPECTED}`);
  }

  let cron: string | undefined;
  let timezone: string | undefined;
  let force = false;
  for (const property of node.properties) {
    if (!ts.isPropertyAssignment(property))
      return notStatic(property, `the condition as an object literal: ${EXPECTED}`);
    const name = propertyName(property.name);
    const initializer = unwrap(property.initializer);
    if (name === "cron") {
      cron = staticString(initializer, context.consts);
      if (cron === undefined)
        return notStatic(initializer, 'the cron expression as a string literal, e.g. `cron: "0 6 * * *"`');
    } else if (name === "timezone") {
      timezone = staticString(initializer, context.consts);
      if (timezone === undefined)
        return notStatic(initializer, 'the time zone as a string literal, e.g. `timezone: "UTC"`');
    } else if (name === "force") {
      if (initializer.kind === ts.SyntaxKind.TrueKeyword) force = true;
      else if (initializer.kind !== ts.SyntaxKind.FalseKeyword)
        return notStatic(initializer, "`force: true` or `force: false`");
    } else {
      return invalid(
        property,
        text,
        `\`${name ?? property.name.getText(context.sourceFile)}\` is not an option of a cron condition; write \`{ cron, timezone?, force? }\``,
      );
    }
  }
  if (cron === undefined) return invalid(node, text, `a cron condition needs \`cron\`, e.g. \`{ cron: "0 6 * * *" }\``);
  const problem = cronProblem(cron, timezone);
  if (problem !== undefined) return invalid(node, cron, `Automation condition ignored: ${problem}`);
  return { kind: "cron", cron, timezone, force };
}

function sameCondition(a: AutomationCondition, b: AutomationCondition): boolean {
  if (a.kind !== "cron" || b.kind !== "cron") return a.kind === b.kind;
  return a.cron === b.cron && a.timezone === b.timezone && a.force === b.force;
}
