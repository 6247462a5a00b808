import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

/**
 * A private PostgreSQL cluster for one test file: `initdb` into a temporary folder and
 * `pg_ctl` on a free loopback port, never the system service. As root (CI), the server runs as
 * Debian's `postgres` user, because PostgreSQL refuses to run as root.
 */
export class PostgresCluster {
  private constructor(
    readonly binDir: string,
    readonly dataDir: string,
    readonly port: number,
    private readonly runAs: string | undefined,
  ) {}

  /** The binaries' folder, or undefined when PostgreSQL is not installed (tests skip, saying so). */
  static binDir(): string | undefined {
    const debian = "/usr/lib/postgresql";
    if (existsSync(debian)) {
      const versions = readdirSync(debian)
        .filter((name) => existsSync(join(debian, name, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a));
      if (versions[0] !== undefined) return join(debian, versions[0], "bin");
    }
    try {
      return execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
    } catch {
      return undefined;
    }
  }

  static readonly missingReason = "PostgreSQL binaries not found (run scripts/install-system-deps.sh)";

  static async start(): Promise<PostgresCluster> {
    const binDir = PostgresCluster.binDir();
    if (binDir === undefined) throw new Error(PostgresCluster.missingReason);
    const root = mkdtempSync(join(tmpdir(), "assetline-pg-"));
    const runAs = userInfo().uid === 0 ? "postgres" : undefined;
    if (runAs !== undefined) {
      chmodSync(root, 0o755);
      const uid = Number(execFileSync("id", ["-u", runAs], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", runAs], { encoding: "utf8" }).trim());
      chownSync(root, uid, gid);
    }
    const cluster = new PostgresCluster(binDir, join(root, "data"), await freePort(), runAs);
    cluster.run("initdb", ["-D", cluster.dataDir, "-U", "assetline", "--auth=trust", "-E", "UTF8", "--no-sync"]);
    cluster.startServer();
    return cluster;
  }

  /** A URL for `database` (created on demand by `createDatabase`). */
  url(database = "postgres"): string {
    return `postgres://assetline@127.0.0.1:${this.port}/${database}`;
  }

  createDatabase(name: string): string {
    this.run("createdb", ["-h", "127.0.0.1", "-p", String(this.port), "-U", "assetline", name]);
    return this.url(name);
  }

  /** Stops the server at once (as a crash would), keeping the data. */
  stopServer(): void {
    this.run("pg_ctl", ["-D", this.dataDir, "-m", "immediate", "-w", "stop"]);
  }

  /** Starts (or restarts) the server and returns once it accepts connections. */
  startServer(): void {
    const options = `-c listen_addresses=127.0.0.1 -p ${this.port} -k ${this.dataDir} -c fsync=off -c max_connections=200`;
    this.run("pg_ctl", ["-D", this.dataDir, "-o", options, "-l", join(this.dataDir, "server.log"), "-w", "start"]);
  }

  async stop(): Promise<void> {
    try {
      this.stopServer();
    } catch {
      // Already stopped (a test stopped it); the folder goes either way.
    }
    rmSync(join(this.dataDir, ".."), { recursive: true, force: true });
  }

  private run(program: string, args: readonly string[]): void {
    const binary = join(this.binDir, program);
    const [command, commandArgs] =
      this.runAs === undefined ? [binary, args] : ["runuser", ["-u", this.runAs, "--", binary, ...args]];
    execFileSync(command, commandArgs, { stdio: ["ignore", "ignore", "pipe"], cwd: tmpdir() });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The cluster of a `describeWithPostgres` suite, there from its first `before` hook on. */
export class SuiteCluster {
  private started: PostgresCluster | undefined;

  get cluster(): PostgresCluster {
    if (this.started === undefined) throw new Error("the suite's PostgreSQL cluster starts in its first before() hook");
    return this.started;
  }

  async start(): Promise<void> {
    this.started = await PostgresCluster.start();
  }

  async stop(): Promise<void> {
    await this.started?.stop();
  }
}

/**
 * A suite on its own private cluster, started before the suite's own hooks and stopped after
 * them (so its connections and workers end first); where PostgreSQL is not installed, the
 * suite is skipped with the reason in its title instead of failing.
 */
export function describeWithPostgres(title: string, body: (this: Mocha.Suite, postgres: SuiteCluster) => void): void {
  const missing = PostgresCluster.binDir() === undefined;
  describe(`${title}${missing ? ` (skipped: ${PostgresCluster.missingReason})` : ""}`, function () {
    const postgres = new SuiteCluster();
    before(async function () {
      if (missing) this.skip();
      await postgres.start();
    });
    body.call(this, postgres);
    after(() => postgres.stop());
  });
}
