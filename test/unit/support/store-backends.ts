/**
 * The store suites run against both history backends: SQLite files in a temp dir, and
 * PostgreSQL databases in one private cluster per test process (started on first use,
 * stopped when the process exits). Where PostgreSQL is not installed, its suites are skipped
 * with the reason in their title.
 */
import { type HistoryStore, PostgresHistory, SqliteHistory } from "../../../server/src/store";
import { PostgresCluster } from "../../support/postgresCluster";
import { tempStore } from "./store-temp";

export interface OpenOptions {
  readonly readonly?: boolean;
  readonly now?: () => number;
  readonly heartbeatIntervalMs?: number;
  readonly heartbeatExpiryMs?: number;
}

/** One fresh, empty history: open it (again) as often as a test needs, then remove it. */
export interface TestHistory {
  /** What a child process passes to `openTestHistory`: the file's path or the database URL. */
  readonly spec: string;
  open(options?: OpenOptions): Promise<HistoryStore>;
  cleanup(): Promise<void>;
}

export interface Backend {
  readonly name: "sqlite" | "postgres";
  fresh(): Promise<TestHistory>;
}

let cluster: Promise<PostgresCluster> | undefined;
let databases = 0;

function sharedCluster(): Promise<PostgresCluster> {
  cluster ??= PostgresCluster.start().then((started) => {
    process.once("exit", () => void started.stop());
    return started;
  });
  return cluster;
}

/** Opens the history `spec` names (a postgres:// URL, else an SQLite path); for child processes too. */
export function openTestHistory(spec: string, options: OpenOptions = {}): Promise<HistoryStore> {
  if (/^postgres(ql)?:\/\//.test(spec)) return PostgresHistory.open(spec, options);
  return Promise.resolve(SqliteHistory.open(spec, options));
}

const SQLITE: Backend = {
  name: "sqlite",
  async fresh() {
    const tmp = tempStore();
    return {
      spec: tmp.dbPath,
      open: (options) => openTestHistory(tmp.dbPath, options),
      cleanup: async () => tmp.cleanup(),
    };
  },
};

const POSTGRES: Backend = {
  name: "postgres",
  async fresh() {
    const started = await sharedCluster();
    databases += 1;
    const url = started.createDatabase(`history_${process.pid}_${databases}`);
    return { spec: url, open: (options) => openTestHistory(url, options), cleanup: async () => undefined };
  },
};

/** Declares `body` once per backend, as "<title> [sqlite]" and "<title> [postgres]". */
export function describeBackends(title: string, body: (backend: Backend) => void): void {
  describe(`${title} [sqlite]`, () => body(SQLITE));
  const missing = PostgresCluster.binDir() === undefined;
  describe(`${title} [postgres${missing ? `: skipped, ${PostgresCluster.missingReason}` : ""}]`, function () {
    this.timeout(60_000);
    before(async function () {
      if (missing) this.skip();
      await sharedCluster();
    });
    body(POSTGRES);
  });
}
