import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { isProcessAlive } from "../../server/src/executor/processTree";
import { storePath } from "../../server/src/store";
import { assetline, CLI } from "./support";

/** A step that starts a grandchild outside the worker's process group, then runs forever. */
const ASSETS = `import { asset } from "assetline";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";

export const spawner = asset({}, async () => {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore" });
  child.unref();
  writeFileSync(process.env.GRANDCHILD_PID_FILE as string, String(child.pid));
  await new Promise(() => undefined);
});
`;

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("cli: a run whose process was killed", function () {
  let dir: string;
  let pidFile: string;
  let grandchild = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "assetline-abandoned-"));
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "assets.ts"), ASSETS);
    pidFile = join(dir, "grandchild.pid");
  });
  after(() => {
    if (grandchild > 0 && isProcessAlive(grandchild)) process.kill(grandchild, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("takes its detached grandchild with it, and reads as failed (abandoned) before anything writes", async () => {
    const cli = spawn(process.execPath, [CLI, "materialize", "spawner", "--dir", dir], {
      stdio: "ignore",
      env: { ...process.env, GRANDCHILD_PID_FILE: pidFile },
    });
    grandchild = await waitFor("the grandchild to start", () =>
      existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) || undefined : undefined,
    );
    assert.ok(isProcessAlive(grandchild));
    process.kill(cli.pid!, "SIGKILL");
    await waitFor(
      "the detached grandchild to be killed",
      () => (isProcessAlive(grandchild) ? undefined : true),
      15_000,
    );

    const runs = assetline(["runs", "--dir", dir, "--format", "json"]);
    assert.equal(runs.status, 0, runs.stderr);
    const [run] = (
      JSON.parse(runs.stdout) as { runs: Array<{ id: string; status: string; abandoned: boolean; message: string }> }
    ).runs;
    assert.equal(run!.status, "FAILURE");
    assert.equal(run!.abandoned, true);
    assert.match(run!.message, new RegExp(`run abandoned: process ${cli.pid} exited without finishing`));

    const logs = assetline(["logs", run!.id, "--dir", dir]);
    assert.equal(logs.status, 0, logs.stderr);
    assert.match(logs.stdout.split("\n")[0]!, /FAILURE .* — run abandoned/);

    const status = assetline(["status", "--dir", dir, "--format", "json"]);
    const spawner = (JSON.parse(status.stdout) as { assets: Array<{ key: string; state: string; reason: string }> })
      .assets[0]!;
    assert.equal(spawner.state, "failed");
    assert.match(spawner.reason, /run abandoned/);

    // Nothing was written: the log itself still says STARTED until the next writer recovers it.
    const db = new Database(storePath(dir), { readonly: true });
    try {
      assert.equal(db.prepare("SELECT status FROM runs WHERE id = ?").pluck().get(run!.id), "STARTED");
    } finally {
      db.close();
    }
  });
});
