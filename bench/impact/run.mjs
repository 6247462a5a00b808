#!/usr/bin/env node
// The impact benchmark: a synthetic workspace (3,000 files by default, bench/analysis/generate.mjs)
// committed to a real git repository, then 10 asset files edited (a column added to their SQL).
//
//   cli        `assetline impact` as a whole process, against one `assetline check` of the same
//              workspace in the same run, both with the same SQL cache state: first both cold
//              (no .assetline/), then both warm
//   keystroke  the language server's answer after one keystroke in a changed file (didChange, then
//              the request), sequentially, after the base was analysed once: first the editor's
//              answer (assetline/impactSummary, what the views ask), then the full report
//              (assetline/impact, what CLI-like callers ask)
//
// Reports against the targets (CLI under 1.2x the cold check; keystroke answer under 20 ms p90);
// never fails on them.
//
//   node bench/impact/run.mjs [--files 3000] [--changed 10] [--keystrokes 100] [--only cli|keystroke]
//                             [--answer summary|full]   (keystroke: only that answer; both when absent)

import { execFileSync, spawnSync, spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateWorkspace } from "../analysis/generate.mjs";

const lsp = createRequire(import.meta.url)("vscode-languageserver-protocol/node");
const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, "../..");
const CLI = join(REPO_ROOT, "bin", "assetline.js");
const SERVER = join(REPO_ROOT, "dist", "server.js");
// protocol/methods.ts ImpactRequest.method and ImpactSummaryRequest.method (this script is plain JS)
const IMPACT = "assetline/impact";
const IMPACT_SUMMARY = "assetline/impactSummary";
const TARGETS = { cliRatio: 1.2, keystrokeP90Ms: 20 };

const options = { files: 3000, changed: 10, keystrokes: 100, only: "", answer: "" };
for (let i = 2; i < process.argv.length; i += 2) {
  const name = process.argv[i].replace(/^--/, "");
  if (!(name in options))
    throw new Error(`unknown option ${process.argv[i]} (--files, --changed, --keystrokes, --only, --answer)`);
  options[name] = name === "only" || name === "answer" ? process.argv[i + 1] : Number(process.argv[i + 1]);
}

function git(dir, ...args) {
  return execFileSync(
    "git",
    ["-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false", ...args],
    { cwd: dir, encoding: "utf8" },
  );
}

function timedProcess(args, cwd) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`assetline ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

async function main() {
  const dir = join(HERE, "generated", String(options.files));
  const workspace = generateWorkspace(dir, options.files);
  writeFileSync(join(dir, ".gitignore"), ".assetline/\n");
  rmSync(join(dir, ".git"), { recursive: true, force: true });
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "base");
  // Ten asset files, spread over the workspace: one more column in their first SELECT.
  const step = Math.max(1, Math.floor(workspace.assetFiles.length / options.changed));
  const changed = workspace.assetFiles.filter((_, i) => i % step === 0).slice(0, options.changed);
  for (const file of changed) {
    const path = join(dir, file);
    const text = readFileSync(path, "utf8");
    writeFileSync(path, text.replace(/select /i, "select 1 as bench_flag, "));
  }
  console.log(
    `Assetline impact benchmark: ${workspace.files} files, ${changed.length} changed, node ${process.version}, ${cpus().length}x ${cpus()[0]?.model ?? "cpu"}`,
  );

  const rounds = [];
  for (const cache of options.only === "keystroke" ? [] : ["cold", "warm"]) {
    if (cache === "cold") rmSync(join(dir, ".assetline"), { recursive: true, force: true });
    const check = timedProcess(["check", "."], dir);
    if (cache === "cold") rmSync(join(dir, ".assetline"), { recursive: true, force: true });
    const impact = timedProcess(["impact", ".", "--format", "json"], dir);
    const report = JSON.parse(impact.stdout);
    rounds.push({
      cache,
      check: check.ms,
      impact: impact.ms,
      changes: report.changes.length,
      impacted: report.impacted.length,
    });
  }
  for (const round of rounds) {
    const ratio = round.impact / round.check;
    console.log(
      `cli ${round.cache}: impact ${round.impact.toFixed(0)} ms vs check ${round.check.toFixed(0)} ms = ${ratio.toFixed(2)}x ` +
        `(target < ${TARGETS.cliRatio}x: ${ratio < TARGETS.cliRatio ? "met" : "MISSED"}); ${round.changes} changes, ${round.impacted} impacted`,
    );
  }

  if (options.only === "cli") return;
  const answers = await keystrokeLatencies(dir, changed[0]);
  for (const [name, latencies] of Object.entries(answers)) {
    latencies.sort((a, b) => a - b);
    const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    console.log(
      `lsp keystroke → ${name} (${latencies.length}): p50 ${p(0.5).toFixed(1)} ms, p90 ${p(0.9).toFixed(1)} ms, max ${p(1).toFixed(1)} ms ` +
        `(target p90 < ${TARGETS.keystrokeP90Ms} ms: ${p(0.9) < TARGETS.keystrokeP90Ms ? "met" : "MISSED"})`,
    );
  }
}

async function keystrokeLatencies(root, file) {
  // ASSETLINE_BENCH_SERVER_NODE_ARGS: e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", for the server alone.
  const nodeArgs = (process.env.ASSETLINE_BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, SERVER, "--stdio"], {
    cwd: root,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const connection = lsp.createProtocolConnection(
    new lsp.StreamMessageReader(child.stdout),
    new lsp.StreamMessageWriter(child.stdin),
  );
  connection.onRequest(lsp.ConfigurationRequest.type, (params) => params.items.map(() => ({})));
  connection.onRequest(lsp.RegistrationRequest.type, () => null);
  connection.onRequest(lsp.WorkDoneProgressCreateRequest.type, () => null);
  connection.listen();
  const rootUri = pathToFileURL(root).href;
  try {
    await connection.sendRequest(lsp.InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: "bench" }],
      capabilities: {},
    });
    await connection.sendNotification(lsp.InitializedNotification.type, {});
    const uri = pathToFileURL(join(root, file)).href;
    let text = readFileSync(join(root, file), "utf8");
    let version = 1;
    void connection.sendNotification(lsp.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: "typescript", version: 1, text },
    });
    const first = performance.now();
    const firstReport = await connection.sendRequest(IMPACT, {});
    console.log(
      `lsp first answer: ${firstReport.changes.length} changes, ${firstReport.impacted.length} impacted, ` +
        `${(JSON.stringify(firstReport).length / 1e6).toFixed(1)} MB of JSON`,
    );
    console.log(
      `lsp first impact answer (analysis of the workspace and of the base commit): ${(performance.now() - first).toFixed(0)} ms`,
    );
    const summary = await connection.sendRequest(IMPACT_SUMMARY, {});
    console.log(`lsp summary: ${summary.impacted.total} impacted, ${JSON.stringify(summary).length} bytes of JSON`);
    let at = text.indexOf("bench_flag") + "bench_flag".length;
    const answers = { "impact summary (the editor's answer)": [], "full impact report": [] };
    const loops = [
      [Object.keys(answers)[0], IMPACT_SUMMARY, "summary"],
      [Object.keys(answers)[1], IMPACT, "full"],
    ].filter(([, , answer]) => options.answer === "" || options.answer === answer);
    for (const [name, method] of loops) {
      for (let i = 0; i < options.keystrokes; i++, at++) {
        const position = positionOf(text, at);
        text = text.slice(0, at) + "x" + text.slice(at);
        const started = performance.now();
        void connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
          textDocument: { uri, version: ++version },
          contentChanges: [{ range: { start: position, end: position }, text: "x" }],
        });
        await connection.sendRequest(method, {});
        answers[name].push(performance.now() - started);
      }
    }
    return Object.fromEntries(Object.entries(answers).filter(([, latencies]) => latencies.length > 0));
  } finally {
    await connection.sendRequest(lsp.ShutdownRequest.type).catch(() => undefined);
    void connection.sendNotification(lsp.ExitNotification.type);
    // Let it exit by itself (a CPU profile is written on exit); kill it if it does not.
    await new Promise((done) => {
      const timer = setTimeout(() => child.kill(), 10_000);
      child.once("exit", () => {
        clearTimeout(timer);
        done();
      });
    });
  }
}

function positionOf(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: before.length - before.lastIndexOf("\n") - 1 };
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
