import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isProcessAlive, listDescendants } from "../../server/src/executor/processTree";
import { EventStore, storePath } from "../../server/src/store";
import { assetline, CLI } from "./support";

/**
 * `first` is due at once (a daily cron that never ran), `second` follows it and waits for the
 * file `release` on its first run only: a loop killed there must not build `first` again.
 */
const ASSETS = `import { appendFileSync, existsSync } from "node:fs";
import { asset } from "assetline";

export const first = asset({ automation: { cron: "0 0 * * *" } }, () => {
  appendFileSync("runs.log", "first\\n");
});

export const second = asset({ deps: [first], automation: "eager" }, async () => {
  appendFileSync("runs.log", "second started\\n");
  while (!existsSync("release")) await new Promise((resolve) => setTimeout(resolve, 20));
  appendFileSync("runs.log", "second done\\n");
});
`;

interface Running {
  readonly child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function automate(dir: string, ...args: string[]): Running {
  const child = spawn(process.execPath, [CLI, "automate", "--dir", dir, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (output += text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (output += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function until(what: string, probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("cli: assetline automate", function () {
  this.timeout(120_000);
  let dir: string;
  const runsLog = () => (existsSync(join(dir, "runs.log")) ? readFileSync(join(dir, "runs.log"), "utf8") : "");
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "assetline-automate-"));
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "assets.ts"), ASSETS);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a PostgreSQL history with one line, before connecting to it", () => {
    const env = { ASSETLINE_HISTORY_URL: "postgres://ana:s3cret@127.0.0.1:9/history" };
    const result = assetline(["automate", "--dir", dir, "--once"], undefined, env);
    assert.equal(result.status, 2, result.stderr);
    assert.equal(
      result.stderr,
      "assetline: automation needs the SQLite history for now; this workspace's history is PostgreSQL (assetline.config.json or ASSETLINE_HISTORY_URL)\n",
    );
    assert.equal(runsLog(), "");
    assert.ok(!existsSync(storePath(dir)), "no SQLite history instead");
  });

  it("--once --dry-run prints what would run now and why, and runs and records nothing", () => {
    const result = assetline(["automate", "--dir", dir, "--once", "--dry-run"]);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trimEnd().split("\n");
    assert.match(lines[0]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d would run 2 asset\(s\): first, second$/);
    assert.match(lines[1]!, /^ {2}first {3}run {6}cron 0 0 \* \* \* at (\d{4}-\d\d-\d\d )?00:00, never materialized$/);
    assert.equal(lines[2], "  second  run      upstream first is materialized in the same run");
    assert.equal(runsLog(), "");
    const store = EventStore.open(storePath(dir), { readonly: true });
    try {
      assert.deepEqual(store.listRuns(), []);
      assert.deepEqual(store.automationDecisions(), []);
    } finally {
      store.close();
    }
  });

  it("refuses bad options before doing anything", () => {
    const result = assetline(["automate", "--dir", dir, "--tick", "0"]);
    assert.equal(result.status, 2);
    assert.equal(result.stderr, 'assetline: --tick must be a positive number of seconds, got "0"\n');
  });

  it("a second automate on the same workspace refuses to start; SIGTERM stops the first cleanly", async () => {
    writeFileSync(join(dir, "release"), "");
    const loop = automate(dir, "--tick", "0.2");
    try {
      await until("the first loop's run to end", () => /run \S+ success/.test(loop.output()));
      const second = assetline(["automate", "--dir", dir, "--once"]);
      assert.equal(second.status, 1);
      assert.match(
        second.stderr,
        new RegExp(
          `^assetline: automation already runs for this workspace in \`assetline automate\` \\(pid ${loop.child.pid} on `,
        ),
      );
      loop.child.kill("SIGTERM");
      assert.deepEqual(await loop.exited, { code: 0, signal: null });
      assert.match(loop.output(), /stopped \(SIGTERM\)\n$/);
      // Released: a new loop starts, and finds nothing due.
      const third = assetline(["automate", "--dir", dir, "--once"]);
      assert.equal(third.status, 0, third.stderr);
      assert.match(third.stdout, /nothing started: nothing is due\n$/);
      // When will the data be ready: the next midnight, plus how long each usually takes.
      const status = assetline(["status", "--dir", dir, "--format", "json"]);
      const assets = (JSON.parse(status.stdout) as { assets: Array<Record<string, unknown>> }).assets;
      const [firstAsset, secondAsset] = assets;
      const midnight = new Date();
      midnight.setHours(24, 0, 0, 0);
      assert.equal(typeof firstAsset!.expectedDurationMs, "number");
      assert.equal(
        Date.parse(firstAsset!.nextExpectedAt as string),
        midnight.getTime() + (firstAsset!.expectedDurationMs as number),
      );
      assert.equal(
        Date.parse(secondAsset!.nextExpectedAt as string),
        Date.parse(firstAsset!.nextExpectedAt as string) + (secondAsset!.expectedDurationMs as number),
      );
      assert.match(secondAsset!.nextBasis as string, /^after upstream first \(expected /);
      assert.equal(firstAsset!.willBeOverdue, null);
      const table = assetline(["status", "--dir", dir]).stdout.split("\n");
      assert.match(table[0]!, /^ASSET +STATE +MATERIALIZED +CHECKS +NEXT +WHY$/);
      assert.match(table[1]!, /^first +✓ fresh +.* in \d+ (h|min)/);
    } finally {
      loop.child.kill("SIGKILL");
    }
    assert.equal(runsLog(), "first\nsecond started\nsecond done\n");
  });

  it("kill -9 mid-run, restart: what finished does not run again, what was cut off runs once", async () => {
    const loop = automate(dir, "--tick", "0.2");
    await until("second to start", () => runsLog().includes("second started"));
    const workers = listDescendants(loop.child.pid!);
    assert.ok(workers.length > 0, "the run has worker processes");
    loop.child.kill("SIGKILL");
    await loop.exited;
    // The workers notice their parent's death by themselves: the step is cut off, not finished.
    await until("the workers to die with the loop", () => workers.every((pid) => !isProcessAlive(pid)));
    writeFileSync(join(dir, "release"), "");
    const restart = assetline(["automate", "--dir", dir, "--once"]);
    assert.equal(restart.status, 0, restart.stdout + restart.stderr);
    assert.match(restart.stdout, /run \S+: second\n {2}second {2}run {6}upstream first materialized at \d\d:\d\d\n/);
    assert.equal(runsLog(), "first\nsecond started\nsecond started\nsecond done\n");
    const again = assetline(["automate", "--dir", dir, "--once"]);
    assert.match(again.stdout, /nothing started: nothing is due\n$/);
    assert.equal(runsLog(), "first\nsecond started\nsecond started\nsecond done\n");
    const store = EventStore.open(storePath(dir), { readonly: true });
    try {
      const runs = store.listRuns();
      assert.deepEqual(
        runs.map((run) => [run.selection, run.status]),
        [
          ["automate: second", "SUCCESS"],
          ["automate: first second", "FAILURE"],
        ],
      );
      assert.match(runs[1]!.message ?? "", /run abandoned: process \d+ exited without finishing/);
    } finally {
      store.close();
    }
  });
});
