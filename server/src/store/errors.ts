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

/** The database was written by a newer Assetline whose schema this one cannot read safely. */
export class SchemaTooNewError extends StoreError {
  constructor(
    readonly dbPath: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `${dbPath} was written by a newer Assetline (schema ${found}, this one knows ${known}); upgrade Assetline`,
    );
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
      `${dbPath} uses schema ${found} but this Assetline needs ${known}; open it once for writing (e.g. run \`assetline status\`) to migrate`,
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
