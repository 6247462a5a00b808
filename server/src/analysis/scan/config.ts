import { ts } from "../typescript";
import type { FreshnessPolicy } from "../../model/definitions";
import type { ExtractedConfig, ShapeProblem, TargetRef } from "../facts";
import { extractAutomation } from "./automationConfig";
import type { LocationMaker } from "./locations";
import { exactArray } from "./retainedShapes";
import { type ConstLookup, propertyName, staticNumber, staticString, staticStringArray, unwrap } from "./staticValues";

interface ConfigContext {
  readonly locations: LocationMaker;
  readonly sourceFile: ts.SourceFile;
  readonly consts: ConstLookup;
}

export const EMPTY_CONFIG: ExtractedConfig = {
  name: undefined,
  dynamicName: false,
  deps: [],
  group: undefined,
  owners: [],
  kinds: [],
  tags: {},
  description: undefined,
  freshness: undefined,
  automation: [],
  blocking: false,
};

/** Reads an `asset`/`source`/`check` config object literal; what cannot be read statically becomes a problem. */
export function extractConfig(
  literal: ts.ObjectLiteralExpression,
  context: ConfigContext,
): { config: ExtractedConfig; problems: ShapeProblem[] } {
  const problems: ShapeProblem[] = [];
  const config: { -readonly [K in keyof ExtractedConfig]: ExtractedConfig[K] } = { ...EMPTY_CONFIG };
  const problem = (node: ts.Node, message: string) =>
    problems.push({ location: context.locations.ofNode(node), message });
  const text = (node: ts.Node) => node.getText(context.sourceFile);

  for (const property of literal.properties) {
    if (ts.isSpreadAssignment(property)) {
      problem(
        property,
        `the spread \`${text(property)}\` is not read statically; write the options inline in the object literal`,
      );
      continue;
    }
    const name = property.name ? propertyName(property.name) : undefined;
    if (name === undefined) continue;
    let value: ts.Expression;
    if (ts.isPropertyAssignment(property)) value = property.initializer;
    else if (ts.isShorthandPropertyAssignment(property)) value = property.name;
    else continue; // methods and accessors carry no configuration we read

    switch (name) {
      case "name": {
        const key = staticString(value, context.consts);
        if (key === undefined) {
          config.dynamicName = true;
          problem(
            value,
            `\`name\` is \`${text(value)}\`, which is only known when the code runs; write the key as a string literal (or a const string)`,
          );
        } else {
          const literalNode = unwrap(value);
          config.name = { value: key, location: context.locations.ofNode(literalNode) };
        }
        break;
      }
      case "deps":
        config.deps = extractDeps(value, context, problem);
        break;
      case "group":
        config.group = staticString(value, context.consts) ?? reportNotStatic(value, "group", "a string literal");
        break;
      case "description":
        config.description =
          staticString(value, context.consts) ?? reportNotStatic(value, "description", "a string literal");
        break;
      case "owners":
        config.owners =
          staticStringArray(value, context.consts) ??
          reportNotStatic(value, "owners", "an array of string literals") ??
          [];
        break;
      case "kinds":
        config.kinds =
          staticStringArray(value, context.consts) ??
          reportNotStatic(value, "kinds", "an array of string literals") ??
          [];
        break;
      case "tags":
        config.tags =
          extractTags(value, context.consts) ?? reportNotStatic(value, "tags", "an object literal of strings") ?? {};
        break;
      case "freshness":
        config.freshness =
          extractFreshness(value) ?? reportNotStatic(value, "freshness", "`{ maxLagMinutes: <number> }`");
        break;
      case "automation": {
        const automation = extractAutomation(value, context);
        config.automation = automation.conditions;
        problems.push(...automation.problems);
        break;
      }
      case "blocking": {
        const node = unwrap(value);
        if (node.kind === ts.SyntaxKind.TrueKeyword) config.blocking = true;
        else if (node.kind === ts.SyntaxKind.FalseKeyword) config.blocking = false;
        else reportNotStatic(value, "blocking", "`true` or `false`");
        break;
      }
      default:
        break;
    }
  }
  if (config.automation.some((condition) => condition.kind === "on-freshness") && config.freshness === undefined) {
    const property = literal.properties.find((p) => p.name !== undefined && propertyName(p.name) === "automation")!;
    problems.push({
      location: context.locations.ofNode(property),
      message:
        'Automation condition ignored: "on-freshness" needs a freshness policy to keep; add `freshness: { maxLagMinutes: 60 }`',
      invalidAutomation: "on-freshness",
    });
    config.automation = config.automation.filter((condition) => condition.kind !== "on-freshness");
  }
  return { config, problems };

  function reportNotStatic(value: ts.Expression, option: string, expected: string): undefined {
    problem(value, `\`${option}\` is \`${text(value)}\`, which is only known when the code runs; write ${expected}`);
    return undefined;
  }
}

function extractDeps(
  value: ts.Expression,
  context: ConfigContext,
  problem: (node: ts.Node, message: string) => void,
): TargetRef[] {
  const node = unwrap(value);
  if (!ts.isArrayLiteralExpression(node)) {
    problem(
      value,
      '`deps` must be an array literal of asset references or string keys, e.g. `deps: [raw_orders, "stg_customers"]`',
    );
    return [];
  }
  const deps: TargetRef[] = [];
  for (const element of node.elements) {
    const ref = targetRef(element, context);
    if (ref) deps.push(ref);
    else
      problem(
        element,
        `the dep \`${element.getText(context.sourceFile)}\` is not an asset reference or a string key; write the imported asset's name or its key as a string`,
      );
  }
  return exactArray(deps);
}

/** A dep or check target: an identifier, `namespace.name`, or a static string key. */
export function targetRef(expression: ts.Expression, context: ConfigContext): TargetRef | undefined {
  const node = unwrap(expression);
  if (ts.isIdentifier(node)) {
    // A const holding a string key is a string dep, not a reference.
    const initializer = context.consts(node.text);
    const asString = initializer && staticString(initializer, context.consts);
    if (asString !== undefined) return { kind: "string", key: asString, location: context.locations.ofNode(node) };
    return {
      kind: "identifier",
      root: node.text,
      member: undefined,
      text: node.text,
      location: context.locations.ofNode(node),
    };
  }
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && ts.isIdentifier(node.name)) {
    return {
      kind: "identifier",
      root: node.expression.text,
      member: node.name.text,
      text: `${node.expression.text}.${node.name.text}`,
      location: context.locations.ofNode(node),
    };
  }
  const key = staticString(node, context.consts);
  if (key !== undefined) {
    // The range covers the key inside the quotes, so a fix replaces exactly the key.
    const start = node.getStart(context.sourceFile);
    const quoted = ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
    const location = quoted ? context.locations.at(start + 1, node.getEnd() - 1) : context.locations.ofNode(node);
    return { kind: "string", key, location };
  }
  return undefined;
}

function extractTags(value: ts.Expression, consts: ConstLookup): Record<string, string> | undefined {
  const node = unwrap(value);
  if (!ts.isObjectLiteralExpression(node)) return undefined;
  const tags: Record<string, string> = {};
  for (const property of node.properties) {
    if (!ts.isPropertyAssignment(property)) return undefined;
    const name = propertyName(property.name);
    const tagValue = staticString(property.initializer, consts);
    if (name === undefined || tagValue === undefined) return undefined;
    tags[name] = tagValue;
  }
  return tags;
}

function extractFreshness(value: ts.Expression): FreshnessPolicy | undefined {
  const node = unwrap(value);
  if (!ts.isObjectLiteralExpression(node)) return undefined;
  for (const property of node.properties) {
    if (ts.isPropertyAssignment(property) && propertyName(property.name) === "maxLagMinutes") {
      const minutes = staticNumber(property.initializer);
      return minutes !== undefined && minutes > 0 ? { maxLagMinutes: minutes } : undefined;
    }
  }
  return undefined;
}
