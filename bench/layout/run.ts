/**
 * The lineage layout benchmark: the panel's layout against elkjs defaults and dagre on the
 * same generated graphs, each measurement in a fresh process, then the panel in Chromium.
 *   npx tsx bench/layout/run.ts [--sizes 100,500,2000,5000] [--engines ours,elk-defaults,dagre] [--timeout-s 300] [--no-paint]
 * Run it under the heavy-job lock; it reports figures and never fails on a missed target.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] !== undefined ? args[index + 1]! : fallback;
};
const sizes = option("sizes", "100,500,2000,5000").split(",").map(Number);
const engines = option("engines", "ours,elk-defaults,dagre").split(",");
const timeoutMs = Number(option("timeout-s", "300")) * 1000;
const here = __dirname;

function tsx(script: string, scriptArgs: string[]): { line: Record<string, unknown> | undefined; why: string } {
  const started = Date.now();
  const result = spawnSync("npx", ["tsx", join(here, script), ...scriptArgs], {
    encoding: "utf8",
    timeout: timeoutMs,
    killSignal: "SIGKILL",
  });
  const last = result.stdout.trim().split("\n").pop() ?? "";
  if (result.status === 0 && last.startsWith("{"))
    return { line: JSON.parse(last) as Record<string, unknown>, why: "" };
  const why =
    result.error || result.signal
      ? `no result within ${Math.round((Date.now() - started) / 1000)} s`
      : `failed: ${result.stderr.trim().split("\n").slice(-3).join(" ")}`;
  return { line: undefined, why };
}

console.log(
  `load average at start: ${require("node:os")
    .loadavg()
    .map((n: number) => n.toFixed(1))
    .join(" ")}`,
);
console.log("| nodes | edges | engine | cold | warm | crossings |");
console.log("|---:|---:|---|---:|---:|---:|");
for (const size of sizes) {
  for (const engine of engines) {
    const { line, why } = tsx("one.ts", [engine, String(size)]);
    if (line)
      console.log(
        `| ${line.nodes} | ${line.edges} | ${engine} | ${line.coldMs} ms | ${line.warmMs} ms | ${line.crossings} |`,
      );
    else console.log(`| ${size} | | ${engine} | ${why} | | |`);
  }
}
const focus = tsx("one.ts", ["ours", "5000", "--focus"]);
console.log(
  `focused neighbourhood (2 levels around the hub of 5,000 nodes), layout in Node: ${focus.line ? `${focus.line.nodes} nodes, cold ${focus.line.coldMs} ms, warm ${focus.line.warmMs} ms` : focus.why}`,
);
if (!args.includes("--no-paint")) {
  const paint = tsx("paint.ts", []);
  console.log(`panel in Chromium: ${paint.line ? JSON.stringify(paint.line) : paint.why}`);
}
console.log(
  `load average at end: ${require("node:os")
    .loadavg()
    .map((n: number) => n.toFixed(1))
    .join(" ")}`,
);
