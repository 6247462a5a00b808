/**
 * Child process for the concurrency test: opens the history at argv[2] (an SQLite path or a
 * postgres:// URL) and appends argv[3]
 * events to a new run in small transactions of argv[4] events, as the language server or the
 * CLI would while the other one writes too. Prints "ready", waits for a line on stdin (so both
 * writers start together), and prints "done <runId> <n>" last; any error (SQLITE_BUSY
 * included) goes to stderr with a non-zero exit.
 */
import type { EventInput, HistoryStore } from "../../../server/src/store";
import { openTestHistory } from "./store-backends";

const [dbPath, countText, batchText, label] = process.argv.slice(2);
const count = Number(countText);
const batch = Number(batchText);

void main();

async function main(): Promise<void> {
  const store = await openTestHistory(dbPath);
  const run = await store.createRun({ selection: `writer ${label}`, launchedBy: label === "a" ? "cli" : "editor" });
  process.stdout.write("ready\n");
  process.stdin.once("data", () => {
    void writeAll(store, run.id).then(() => process.exit(0));
  });
}

/**
 * Every 4th event is a materialization, so the derived tables are exercised too. Yields to the
 * event loop between transactions, as a real executor does while it waits on its steps.
 */
async function writeAll(store: HistoryStore, runId: string): Promise<void> {
  let written = 0;
  while (written < count) {
    const events: EventInput[] = [];
    for (let i = 0; i < batch && written + i < count; i += 1) {
      const n = written + i;
      const key = `asset_${label}_${n % 50}`;
      events.push(
        n % 4 === 3
          ? { type: "MATERIALIZATION", assetKey: key, codeVersion: `v${n}`, metadata: { n } }
          : { type: "LOG", assetKey: key, level: "info", message: `${label} event ${n}` },
      );
    }
    await store.appendEvents(runId, events);
    written += events.length;
    await new Promise((r) => setImmediate(r));
  }
  await store.finishRun(runId, "SUCCESS");
  await store.close();
  process.stdout.write(`done ${runId} ${written}\n`);
}
