/**
 * Errors of `ctx.warehouse` calls, made to point at the user's code.
 *
 * A PostgreSQL error arrives from a socket callback: its own stack names only the driver's
 * frames. A step failure must lead to the line that ran the SQL, as a `ctx.db` error does
 * (better-sqlite3 throws synchronously, from the caller's frame), so every call records its
 * call site before it awaits anything and a failure is rethrown with that stack.
 */

/** A failed warehouse statement or connection: the message says what and where in the SQL. */
export class WarehouseError extends Error {
  override readonly name = "WarehouseError";
}

/** The frames below `callee` (the user's code), captured now, to be given to a later error. */
export interface CallSite {
  fail(message: string): WarehouseError;
}

// The callee type only needs to be a function value for V8 to cut the stack at it.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function captureCallSite(callee: Function): CallSite {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, callee);
  const frames = (holder.stack ?? "").split("\n").slice(1).join("\n");
  return {
    fail(message) {
      const error = new WarehouseError(message);
      error.stack = frames === "" ? `WarehouseError: ${message}` : `WarehouseError: ${message}\n${frames}`;
      return error;
    },
  };
}

/** Where a 1-based character `position` (PostgreSQL's error field) falls in `sql`: "line 2, column 8: from nope". */
export function describePosition(sql: string, position: number): string | undefined {
  if (!Number.isInteger(position) || position < 1 || position > sql.length + 1) return undefined;
  const before = sql.slice(0, position - 1);
  const line = before.split("\n").length;
  const lineStart = before.lastIndexOf("\n") + 1;
  const column = position - lineStart;
  const lineEnd = sql.indexOf("\n", lineStart);
  const text = sql.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).trim();
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return `line ${line}, column ${column} of the SQL: ${shown}`;
}

/** The driver's error message with its SQL position, code and hint, on one line. */
export function describeDriverError(error: unknown, sql: string | undefined): string {
  const details = typeof error === "object" && error !== null ? (error as Record<string, unknown>) : {};
  const message = error instanceof Error ? error.message : String(error);
  const parts = [message];
  const position = typeof details.position === "string" ? Number(details.position) : undefined;
  const where = sql !== undefined && position !== undefined ? describePosition(sql, position) : undefined;
  if (where !== undefined) parts.push(`at ${where}`);
  if (typeof details.hint === "string" && details.hint !== "") parts.push(`hint: ${details.hint}`);
  if (typeof details.code === "string" && /^[0-9A-Z]{5}$/.test(details.code)) parts.push(`SQLSTATE ${details.code}`);
  return parts.join("; ");
}
