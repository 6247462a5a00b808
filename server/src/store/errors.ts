/**
 * Typed errors the store throws, so the CLI and the language server can tell the user
 * what to do instead of printing an SQLite error code.
 */

/** Base class: every error the store raises on purpose. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A reader found no history at all (no file, or an empty database): nothing has run yet. */
export class NoHistoryError extends StoreError {
  constructor(readonly location: string) {
    super(`no run history at ${location} (nothing has been materialized yet)`);
  }
}

/** The database was written by a newer Assetline whose schema this one cannot read safely. */
export class SchemaTooNewError extends StoreError {
  constructor(
    readonly dbPath: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(`${dbPath} was written by a newer Assetline (schema ${found}, this one knows ${known}); upgrade Assetline`);
  }
}

/** A read-only open found a database that still needs migrating (a writer must open it first). */
export class SchemaOutdatedError extends StoreError {
  constructor(
    readonly dbPath: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `${dbPath} uses schema ${found} but this Assetline needs ${known}; ` +
        "open it once for writing (run `assetline materialize`) to migrate",
    );
  }
}

/** An event or finish was addressed to a run the store does not have. */
export class UnknownRunError extends StoreError {
  constructor(readonly runId: string) {
    super(`unknown run ${JSON.stringify(runId)}`);
  }
}

/** The database stayed locked by another process through every retry. */
export class StoreBusyError extends StoreError {
  constructor(
    readonly dbPath: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`${dbPath} stayed locked by another Assetline process after ${attempts} attempts; try again`, {
      cause,
    });
  }
}

/** A write was attempted on a store opened with `{ readonly: true }`. */
export class ReadonlyStoreError extends StoreError {
  constructor(readonly dbPath: string) {
    super(`${dbPath} was opened read-only`);
  }
}

/** The file (or its folder) does not allow what the store needed: reading, or writing history. */
export class StoreAccessError extends StoreError {
  constructor(
    readonly dbPath: string,
    readonly access: "read" | "write",
    readonly blocker: { readonly path: string; readonly what: "file" | "folder" },
    cause: unknown,
  ) {
    const mode = access === "write" ? "u+rw" : "a+r";
    const fix =
      blocker.what === "file"
        ? `make it ${access === "write" ? "writable" : "readable"} (chmod ${mode} "${blocker.path}")`
        : `make its folder ${access === "write" ? "writable" : "readable"} ` +
          `(chmod ${access === "write" ? "u+rwx" : "a+rx"} "${blocker.path}")`;
    super(
      `cannot ${access} the run history ${dbPath}: permission denied on the ${blocker.what}; ` +
        `${fix}, or run as the user who owns it`,
      { cause },
    );
  }
}

/** The file exists but is not an SQLite database (or is damaged beyond reading). */
export class StoreUnreadableError extends StoreError {
  constructor(
    readonly dbPath: string,
    readonly detail: string,
    cause: unknown,
  ) {
    super(
      `${dbPath} is not a readable Assetline run history (${detail}); ` +
        `move it aside (mv "${dbPath}" "${dbPath}.broken") and the next run starts a new history`,
      { cause },
    );
  }
}
