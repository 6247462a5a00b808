/**
 * Child process for the concurrency test: opens the store at argv[2] and appends argv[3]
 * events to a new run in small transactions of argv[4] events, as the language server or the
 * CLI would while the other one writes too. Prints "ready", waits for a line on stdin (so both
 * writers start together), and prints "done <runId> <n>" last; any error (SQLITE_BUSY
 * included) goes to stderr with a non-zero exit.
 */
import { EventStore, type EventInput } from "../../../server/src/store";

const [dbPath, countText, batchText, label] = process.argv.slice(2);
const count = Number(countText);
const batch = Number(batchText);

const store = EventStore.open(dbPath);
const run = store.createRun({ selection: `writer ${label}`, launchedBy: label === "a" ? "cli" : "editor" });
process.stdout.write("ready\n");
process.stdin.once("data", () => {
  void writeAll().then(() => process.exit(0));
});

/**
 * Every 4th event is a materialization, so the derived tables are exercised too. Yields to the
 * event loop between transactions, as a real executor does while it waits on its steps.
 */
async function writeAll(): Promise<void> {
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
    store.appendEvents(run.id, events);
    written += events.length;
    await new Promise((r) => setImmediate(r));
  }
  store.finishRun(run.id, "SUCCESS");
  store.close();
  process.stdout.write(`done ${run.id} ${written}\n`);
}
