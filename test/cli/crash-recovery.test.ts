import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { isProcessAlive, listDescendants } from "../../server/src/executor/processTree";
import { EventStore, storePath } from "../../server/src/store";
import { assetline, CLI } from "./support";

const ASSETS = `import { asset } from "assetline";

export const quick = asset({}, async (ctx) => {
  ctx.db.exec("drop table if exists quick; create table quick as select 1 as id");
});

export const slow = asset({ deps: [quick] }, async (ctx) => {
  ctx.db.exec("drop table if exists slow; create table slow as select * from quick");
  await new Promise((resolve) => setTimeout(resolve, 120_000));
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

describe("cli: kill -9 of the executor mid-run", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "assetline-crash-"));
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "assets.ts"), ASSETS);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("leaves no worker behind, and the next start marks the run failed with nothing partial", async () => {
    const cli = spawn(process.execPath, [CLI, "materialize", "*", "--dir", dir], { stdio: "ignore" });
    const runId = await waitFor("the slow step to start", () => {
      try {
        const store = EventStore.open(storePath(dir), { readonly: true });
        try {
          const run = store.listRuns({ limit: 1 })[0];
          const started =
            run && store.runEvents(run.id).some((event) => event.type === "STEP_STARTED" && event.assetKey === "slow");
          return started ? run.id : undefined;
        } finally {
          store.close();
        }
      } catch {
        return undefined; // the store file is not there yet
      }
    });
    const workers = listDescendants(cli.pid!);
    assert.ok(workers.length > 0, "the run has worker processes");
    process.kill(cli.pid!, "SIGKILL");
    await waitFor(
      "every worker to exit",
      () => (workers.every((pid) => !isProcessAlive(pid)) ? true : undefined),
      15_000,
    );

    const next = assetline(["materialize", "quick", "--dir", dir]);
    assert.equal(next.status, 0, next.stdout + next.stderr);

    const store = EventStore.open(storePath(dir), { readonly: true });
    try {
      const killed = store.getRun(runId)!;
      assert.equal(killed.status, "FAILURE");
      assert.match(killed.message ?? "", /abandoned/);
      const events = store.runEvents(runId);
      assert.ok(
        events.some((event) => event.type === "STEP_FAILURE" && event.assetKey === "slow"),
        "the interrupted step is failed",
      );
      assert.ok(
        !events.some((event) => event.type === "MATERIALIZATION" && event.assetKey === "slow"),
        "no partial materialization",
      );
      assert.equal(store.latestMaterialization("slow"), undefined);
    } finally {
      store.close();
    }
    const db = new Database(storePath(dir), { readonly: true });
    try {
      assert.equal((db.prepare("pragma integrity_check").get() as { integrity_check: string }).integrity_check, "ok");
    } finally {
      db.close();
    }
  });
});
