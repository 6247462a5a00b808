import { ts } from "../typescript";

const PARENTHESIZED = ts.SyntaxKind.ParenthesizedExpression;
const AS = ts.SyntaxKind.AsExpression;
const SATISFIES = ts.SyntaxKind.SatisfiesExpression;
const NON_NULL = ts.SyntaxKind.NonNullExpression;
const TYPE_ASSERTION = ts.SyntaxKind.TypeAssertionExpression;
const IDENTIFIER = ts.SyntaxKind.Identifier;
const STRING_LITERAL = ts.SyntaxKind.StringLiteral;
const NUMERIC_LITERAL = ts.SyntaxKind.NumericLiteral;

/** Strips wrappers that do not change a value: parentheses, `as const`, `satisfies T`, `!`. */
export function unwrap(expression: ts.Expression): ts.Expression {
  // One switch on the kind, not a type guard per wrapper: asked of every value the scan reads.
  let current = expression;
  for (;;) {
    switch (current.kind) {
      case PARENTHESIZED:
      case AS:
      case SATISFIES:
      case NON_NULL:
      case TYPE_ASSERTION:
        current = (current as ts.ParenthesizedExpression | ts.AsExpression | ts.SatisfiesExpression).expression;
        break;
      default:
        return current;
    }
  }
}

/** Looks up `const NAME = <expression>` declarations of the file being scanned. */
export type ConstLookup = (name: string) => ts.Expression | undefined;

/**
 * The string an expression always evaluates to, when that is knowable from syntax alone:
 * literals, consts holding them, concatenations and templates of those.
 */
export function staticString(expression: ts.Expression, consts: ConstLookup, depth = 0): string | undefined {
  if (depth > 8) return undefined; // const chains that deep are not worth following
  const node = unwrap(expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isIdentifier(node)) {
    const initializer = consts(node.text);
    return initializer ? staticString(initializer, consts, depth + 1) : undefined;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = staticString(node.left, consts, depth + 1);
    const right = left === undefined ? undefined : staticString(node.right, consts, depth + 1);
    return left !== undefined && right !== undefined ? left + right : undefined;
  }
  if (ts.isTemplateExpression(node)) {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      const value = staticString(span.expression, consts, depth + 1) ?? staticNumber(span.expression)?.toString();
      if (value === undefined) return undefined;
      text += value + span.literal.text;
    }
    return text;
  }
  return undefined;
}

/** A number written as a literal or simple arithmetic of literals (`24 * 60`). */
export function staticNumber(expression: ts.Expression, depth = 0): number | undefined {
  if (depth > 16) return undefined; // arithmetic that deep is not a hand-written setting
  const node = unwrap(expression);
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) {
    const value = staticNumber(node.operand, depth + 1);
    return value === undefined ? undefined : -value;
  }
  if (ts.isBinaryExpression(node)) {
    const left = staticNumber(node.left, depth + 1);
    const right = left === undefined ? undefined : staticNumber(node.right, depth + 1);
    if (left === undefined || right === undefined) return undefined;
    switch (node.operatorToken.kind) {
      case ts.SyntaxKind.PlusToken:
        return left + right;
      case ts.SyntaxKind.MinusToken:
        return left - right;
      case ts.SyntaxKind.AsteriskToken:
        return left * right;
      case ts.SyntaxKind.SlashToken:
        return right === 0 ? undefined : left / right;
      default:
        return undefined;
    }
  }
  return undefined;
}

/** An array of strings written literally, or undefined when any element is not static. */
export function staticStringArray(expression: ts.Expression, consts: ConstLookup): string[] | undefined {
  const node = unwrap(expression);
  if (!ts.isArrayLiteralExpression(node)) return undefined;
  const values: string[] = [];
  for (const element of node.elements) {
    const value = staticString(element, consts);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}

/** The name of a property as written (`name`, `"name"`), or undefined for computed names. */
export function propertyName(name: ts.PropertyName): string | undefined {
  const kind = name.kind;
  if (kind === IDENTIFIER || kind === STRING_LITERAL || kind === NUMERIC_LITERAL)
    return (name as ts.Identifier | ts.StringLiteral | ts.NumericLiteral).text;
  return undefined;
}
