import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { CLI, REPO } from "./support";

/** A workspace copy of the example for one worker or planner (its own checkout, as on another machine). */
export function checkoutCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "assetline-checkout-"));
  cpSync(join(REPO, "examples", "jaffle_shop"), dir, {
    recursive: true,
    filter: (source) => !source.includes(`${join("jaffle_shop", ".assetline")}`) && !source.includes("node_modules"),
  });
  return dir;
}

/** An `assetline` child process whose output is kept. */
export class CliProcess {
  output = "";
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  /** Told of every change: more output, or the process gone (its output complete). */
  private readonly watchers = new Set<() => void>();
  private closed = false;

  constructor(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const append = (chunk: Buffer): void => {
      this.output += chunk.toString();
      for (const watcher of this.watchers) watcher();
    };
    this.child.stdout!.on("data", append);
    this.child.stderr!.on("data", append);
    this.child.on("close", () => {
      this.closed = true;
      for (const watcher of this.watchers) watcher();
    });
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
  }

  /** Resolves once the output matches `pattern`; fails at once, with the output, if the process ends first. */
  waitForOutput(pattern: RegExp, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (pattern.test(this.output)) resolve();
        else if (this.closed) reject(new Error(`the process ended before ${what}; it said:\n${this.output}`));
        else return;
        this.watchers.delete(check);
      };
      this.watchers.add(check);
      check();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** True when `pid` is this process or one it started (bin/assetline.js may re-exec Node). */
  owns(pid: number): boolean {
    return pid === this.pid || descendants(this.pid).includes(pid);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** kill -9 of the process and every descendant (its step processes), as a machine lost would. */
  killHard(): void {
    const pids = [this.pid, ...descendants(this.pid)];
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    await this.exited;
  }
}

function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .map((line) => Number(line.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
  return [...children, ...children.flatMap(descendants)];
}

/** Polls `probe` (a query of the history) until it returns a value; the deadline fails the test. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A run's event as the history's table holds it. */
export interface RunEventRow {
  readonly type: string;
  readonly asset_key: string | null;
  readonly message: string | null;
}

/** The events of the newest run in the history, or undefined before any. */
export async function newestRunEvents(pg: Client): Promise<{ runId: string; events: RunEventRow[] } | undefined> {
  const run = await pg.query<{ id: string; seq: string }>(
    "SELECT id, seq FROM assetline.runs ORDER BY seq DESC LIMIT 1",
  );
  if (run.rows.length === 0) return undefined;
  const events = await pg.query<RunEventRow>(
    "SELECT type, asset_key, message FROM assetline.events WHERE run_seq = $1 ORDER BY id",
    [run.rows[0]!.seq],
  );
  return { runId: run.rows[0]!.id, events: events.rows };
}

/**
 * Waits for a run newer than `previous` (the newest run's id before it was started) to record an
 * event `matches` accepts: that run's id and the event.
 */
export function eventOfNewRun(
  pg: Client,
  previous: string | undefined,
  what: string,
  matches: (event: RunEventRow) => boolean,
): Promise<{ runId: string; event: RunEventRow }> {
  return waitFor(what, async () => {
    const found = await newestRunEvents(pg);
    if (found === undefined || found.runId === previous) return undefined;
    const event = found.events.find(matches);
    return event && { runId: found.runId, event };
  });
}

/** A TCP proxy to PostgreSQL the test controls: `cut()` drops every connection and refuses new ones. */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private open = true;
  private readonly server: Server;
  port = 0;

  private constructor(targetPort: number) {
    this.server = createServer((client) => {
      if (!this.open) {
        client.destroy();
        return;
      }
      const upstream = connect(targetPort, "127.0.0.1");
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    proxy.port = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.open = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export { Client };
