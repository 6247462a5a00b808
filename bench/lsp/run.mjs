#!/usr/bin/env node
// The language server benchmark: the built server spoken to over stdio, as an editor would,
// on a synthetic workspace (3,000 files by default).
//
//   startup    initialize → the first diagnostics of an opened document, which the server
//              publishes only once the whole workspace is analysed; → the last of that first
//              publication (every file's diagnostics); → impact's base revision analysed. The
//              opened document is asked for its CodeLenses and symbols at once, as VS Code does,
//              and the workspace is a git repository, so impact's base analysis starts as it would
//   keystroke  one-character incremental didChange → publishDiagnostics for that version,
//              sequentially (each edit waits for its diagnostics): in SQL, and in `deps`
//   requests   definition, hover and references at a dep of the open document
//   memory     the server process's peak RSS (VmHWM), at the first full diagnostics and at the end
//   restart    all of the above runs without the facts cache, as on a fresh clone; then the server is
//              started twice more with it: the first start writes it, the second (an editor opened
//              again on the unchanged workspace) is timed to its full diagnostics
//
// The workspace comes from bench/analysis/generate.mjs when it exists (the analysis
// benchmark's generator), else from ./generate.mjs. The server is bundled with the shipped
// settings into bench/lsp/generated/.build and started with the Node flags the VS Code client
// passes (client/src/engine.ts; ASSETLINE_BENCH_PLAIN_NODE=1: none). Reports against the
// targets; never fails on them. ASSETLINE_BENCH_HEAP=<dir> writes a heap snapshot of the server
// there once the first diagnostics are out and impact's base is analysed, and another at the end
// (writing one raises the peak RSS: measure memory without it); ASSETLINE_BENCH_LOG=1 prints the
// server's log lines.
//
//   node bench/lsp/run.mjs [--files 3000] [--edits 200] [--requests 200]

import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { createRequire } from "node:module";
import { buildLikeShipped, removeFactsCaches } from "../support/setup.mjs";

// The protocol package is CommonJS with an exports map ESM cannot import by subpath.
const lsp = createRequire(import.meta.url)("vscode-languageserver-protocol/node");

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, "../..");
const GENERATED = join(HERE, "generated");
const TARGETS = { keystrokeP90Ms: 15, definitionMs: 10, hoverMs: 10, fullDiagnosticsS: 2.5 };
/** The first publication is over once the server has sent no diagnostics for this long. */
const PUBLICATION_QUIET_MS = 1000;
const IMPACT_TIMEOUT_MS = 120_000;
/** server/src/analysis/cache/factsCache.ts FACTS_CACHE_VARIABLE. */
const FACTS_CACHE_VARIABLE = "ASSETLINE_FACTS_CACHE";

const options = { files: 3000, edits: 200, requests: 200 };
for (let i = 2; i < process.argv.length; i += 2) {
  const name = process.argv[i].replace(/^--/, "");
  if (!(name in options)) throw new Error(`unknown option ${process.argv[i]} (--files, --edits, --requests)`);
  options[name] = Number(process.argv[i + 1]);
}

async function main() {
  const workspace = await generate(options.files);
  const server = await buildServer();
  const nodeFlags = await clientNodeFlags(server);
  // Every start but a machine's first has V8's code cache (server/src/codeCache.ts). A start that
  // fails at once (no --stdio) fills it with what loading compiles, less than a real session's
  // exit would keep (the analysis' functions too): what follows is a usual start, if anything slower.
  spawnSync(process.execPath, [...nodeFlags, server], { stdio: "ignore", timeout: 60_000 });
  console.log(
    `Assetline LSP benchmark: ${options.files} files (${workspace.generator}), node ${process.version} ${nodeFlags.join(" ") || "(no flags)"}, ${cpus()[0]?.model ?? "cpu"}`,
  );

  // The cold start: no facts cache (server/src/analysis/cache/factsCache.ts), as on a fresh clone.
  const session = await Session.start(server, workspace.dir, nodeFlags, { [FACTS_CACHE_VARIABLE]: "0" });
  try {
    const file = workspace.editFile;
    const text = readFileSync(join(workspace.dir, file), "utf8");
    const uri = pathToFileURL(join(workspace.dir, file)).href;

    const startup = await session.timed(async () => {
      await session.initialize();
      session.open(uri, text);
      // What VS Code asks of a document it shows: its lenses (impact's hints start the base
      // revision's analysis) and its symbols (outline, breadcrumbs).
      void session.connection.sendRequest(lsp.CodeLensRequest.type, { textDocument: { uri } });
      void session.connection.sendRequest(lsp.DocumentSymbolRequest.type, { textDocument: { uri } });
      await session.diagnosticsFor(uri, 1);
    });
    const fullDiagnostics = (await session.lastPublicationBeforeQuiet(PUBLICATION_QUIET_MS)) - session.initializeSentAt;
    const fullDiagnosticsRssMB = session.peakRssMB();
    const impactAnalysedAt = await Promise.race([session.impactAnalysed, sleep(IMPACT_TIMEOUT_MS)]);
    const impactReady = impactAnalysedAt === undefined ? undefined : impactAnalysedAt - session.initializeSentAt;
    // A request answered after the idle-time work (edit indexes, the SQL cache's file) is done.
    await session.connection.sendRequest(lsp.WorkspaceSymbolRequest.type, { query: "idle" });
    const beforeEditsRssMB = session.peakRssMB();
    if (process.env.ASSETLINE_BENCH_HEAP) await session.heapSnapshot(process.env.ASSETLINE_BENCH_HEAP);

    // Typing a new column at the start of the select list: `x, ` first, then the name grows, so
    // the SQL stays valid while it does (the generator puts the list on the lines after `select`).
    const selectEnd = text.indexOf("select") + "select".length;
    const sqlAt = positionOf(text, selectEnd + (text.slice(selectEnd).match(/^\s*/)?.[0].length ?? 0));
    const depsAt = positionOf(text, text.indexOf("deps: [") + "deps: [".length);
    let version = 1;
    /** Sequential edits, each waiting for its diagnostics; `edit(i)` says where and what to type. */
    const keystrokes = async (edit) => {
      const times = [];
      for (let i = 0; i < options.edits; i++) {
        version += 1;
        const { at, text: typed } = edit(i);
        times.push(
          await session.timed(async () => {
            session.change(uri, version, { range: { start: at, end: at }, text: typed });
            await session.diagnosticsFor(uri, version);
          }),
        );
      }
      return summarise(times);
    };
    const sql = await keystrokes((i) => ({
      at: { line: sqlAt.line, character: sqlAt.character + i },
      text: i === 0 ? "x, " : "x",
    }));
    // A new string dep typed into `deps`: `"", ` first, then its key one letter at a time, so
    // every keystroke changes the graph (a new missing upstream, AL002).
    const afterSqlEditsRssMB = session.peakRssMB();
    const deps = await keystrokes((i) =>
      i === 0
        ? { at: depsAt, text: '"", ' }
        : { at: { line: depsAt.line, character: depsAt.character + i }, text: "k" },
    );
    const afterDepsEditsRssMB = session.peakRssMB();

    // Requests at the first dep written in the file (after the typed one).
    const current = session.text(uri);
    const firstDep = current.indexOf(", ", current.indexOf("deps: [")) + 2;
    const at = { textDocument: { uri }, position: positionOf(current, firstDep + 2) };
    const request = async (type, params) => {
      const times = [];
      for (let i = 0; i < options.requests; i++)
        times.push(await session.timed(() => session.connection.sendRequest(type, params)));
      return summarise(times);
    };
    // What a user feels when hovering right after typing: the edit is analysed first.
    const hoverAfterEdit = [];
    for (let i = 0; i < Math.min(50, options.requests); i++) {
      version += 1;
      session.change(uri, version, { range: { start: sqlAt, end: sqlAt }, text: "y" });
      hoverAfterEdit.push(await session.timed(() => session.connection.sendRequest(lsp.HoverRequest.type, at)));
      await session.diagnosticsFor(uri, version);
    }
    const definition = await request(lsp.DefinitionRequest.type, at);
    const hover = await request(lsp.HoverRequest.type, at);
    const references = await request(lsp.ReferencesRequest.type, { ...at, context: { includeDeclaration: true } });
    const symbols = await request(lsp.WorkspaceSymbolRequest.type, { query: "orders" });
    const found = await session.connection.sendRequest(lsp.DefinitionRequest.type, at);
    if (!found || found.length === 0)
      throw new Error(`no definition at ${JSON.stringify(at.position)} in ${file}: the benchmark measures nothing`);
    const peakRssMB = session.peakRssMB();
    if (process.env.ASSETLINE_BENCH_HEAP) await session.heapSnapshot(process.env.ASSETLINE_BENCH_HEAP);

    const row = (name, s, target) =>
      console.log(
        `  ${name.padEnd(34)} p50 ${fmt(s.p50)}  p90 ${fmt(s.p90)}  max ${fmt(s.max)}${target ? `   target p90 < ${target} ms: ${s.p90 < target ? "met" : "MISSED"}` : ""}`,
      );
    const met = fullDiagnostics / 1000 < TARGETS.fullDiagnosticsS ? "met" : "MISSED";
    console.log(`  initialize → first diagnostics     ${(startup / 1000).toFixed(2)} s (the open document)`);
    console.log(
      `  initialize → full diagnostics      ${(fullDiagnostics / 1000).toFixed(2)} s (every file)   target < ${TARGETS.fullDiagnosticsS} s: ${met}`,
    );
    const impactText =
      impactReady === undefined ? `not within ${IMPACT_TIMEOUT_MS / 1000} s` : `${(impactReady / 1000).toFixed(2)} s`;
    console.log(`  initialize → impact base analysed  ${impactText}`);
    console.log(`  server peak RSS at full diagnostics ${fullDiagnosticsRssMB} MB`);
    row("keystroke in SQL → diagnostics", sql, TARGETS.keystrokeP90Ms);
    row("keystroke in deps → diagnostics", deps, TARGETS.keystrokeP90Ms);
    row("definition", definition, TARGETS.definitionMs);
    row("hover", hover, TARGETS.hoverMs);
    row("keystroke, then hover", summarise(hoverAfterEdit));
    row("references", references);
    row('workspace symbols ("orders")', symbols);
    console.log(`  server peak RSS                    ${peakRssMB} MB`);
    console.log(
      `  (peak RSS before the edits ${beforeEditsRssMB} MB, after the SQL edits ${afterSqlEditsRssMB} MB, after the deps edits ${afterDepsEditsRssMB} MB)`,
    );
  } finally {
    await session.stop();
  }
  await restartWithFactsCache(server, workspace, nodeFlags);
}

/**
 * A restart on an unchanged workspace, as when the editor is opened again: a first start writes
 * the facts cache once its diagnostics are out; the second is timed to its full diagnostics.
 */
async function restartWithFactsCache(server, workspace, nodeFlags) {
  removeFactsCaches(workspace.dir);
  const uri = pathToFileURL(join(workspace.dir, workspace.editFile)).href;
  const text = readFileSync(join(workspace.dir, workspace.editFile), "utf8");
  const startOnce = async (waitForWrite) => {
    const session = await Session.start(server, workspace.dir, nodeFlags);
    try {
      await session.initialize();
      session.open(uri, text);
      await session.diagnosticsFor(uri, 1);
      const full = (await session.lastPublicationBeforeQuiet(PUBLICATION_QUIET_MS)) - session.initializeSentAt;
      const rss = session.peakRssMB();
      if (waitForWrite) await session.factsCacheWritten;
      return { full, rss, rssAfterWrite: waitForWrite ? session.peakRssMB() : undefined, log: session.analysedLog };
    } finally {
      await session.stop();
    }
  };
  const first = await startOnce(true);
  const restart = await startOnce(false);
  const met = restart.full / 1000 < TARGETS.fullDiagnosticsS ? "met" : "MISSED";
  console.log(
    `  restart, facts cache warm: initialize → full diagnostics ${(restart.full / 1000).toFixed(2)} s (target < ${TARGETS.fullDiagnosticsS} s: ${met}), peak RSS at full diagnostics ${restart.rss} MB`,
  );
  console.log(
    `  the start that wrote it: full diagnostics ${(first.full / 1000).toFixed(2)} s, peak RSS ${first.rss} MB then, ${first.rssAfterWrite} MB once written`,
  );
  console.log(`    (${restart.log ?? "the server logged no analysis"})`);
  removeFactsCaches(workspace.dir);
}

async function generate(files) {
  const shared = join(REPO_ROOT, "bench/analysis/generate.mjs");
  const dir = join(GENERATED, String(files));
  if (existsSync(shared)) {
    const { generateWorkspace } = await import(pathToFileURL(shared).href);
    const summary = generateWorkspace(dir, files);
    // A mid-workspace asset file, as the analysis benchmark edits.
    const candidates = summary.assetFiles.filter((path) => readFileSync(join(dir, path), "utf8").includes("deps: ["));
    commitOnce(dir);
    return { dir, generator: "bench/analysis/generate.mjs", editFile: candidates[Math.floor(candidates.length / 2)] };
  }
  const { generateWorkspace } = await import("./generate.mjs");
  const written = generateWorkspace(dir, files);
  commitOnce(dir);
  return { dir, generator: "bench/lsp/generate.mjs", editFile: written[Math.floor(written.length / 2) + 1] };
}

/** Makes the workspace a git repository with one commit (as users' are), so that impact has a base. */
function commitOnce(dir) {
  if (existsSync(join(dir, ".git"))) return;
  const git = (...args) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  git("add", "-A");
  git("-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", "the benchmark workspace");
}

/** The server bundled exactly as esbuild.mjs ships it (dependencies external, resolved from node_modules). */
async function buildServer() {
  // The code cache beside it, as dist/ ships it (client/src/engine.ts serverNodeFlags requires it).
  await buildLikeShipped(join(REPO_ROOT, "server/src/codeCache.ts"), join(GENERATED, ".build", "codeCache.js"));
  return buildLikeShipped(join(REPO_ROOT, "server/src/server.ts"), join(GENERATED, ".build", "server.js"));
}

/**
 * The Node flags the VS Code client starts the server with (client/src/engine.ts), read from the
 * source so that the benchmark measures what ships; ASSETLINE_BENCH_PLAIN_NODE=1 leaves them out.
 */
async function clientNodeFlags(serverScript) {
  if (process.env.ASSETLINE_BENCH_PLAIN_NODE === "1") return [];
  const built = await esbuild.build({
    entryPoints: [join(REPO_ROOT, "client/src/engine.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    write: false,
    logLevel: "warning",
  });
  const module = { exports: {} };
  new Function("module", "exports", "require", built.outputFiles[0].text)(
    module,
    module.exports,
    createRequire(import.meta.url),
  );
  return module.exports.serverNodeFlags(serverScript);
}

class Session {
  static async start(script, root, nodeFlags, env = {}) {
    // ASSETLINE_BENCH_PROFILE=<dir> writes a V8 CPU profile of the server there.
    const profile = process.env.ASSETLINE_BENCH_PROFILE
      ? ["--cpu-prof", `--cpu-prof-dir=${process.env.ASSETLINE_BENCH_PROFILE}`]
      : [];
    if (process.env.ASSETLINE_BENCH_HEAP)
      profile.push("--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${process.env.ASSETLINE_BENCH_HEAP}`);
    const child = spawn(process.execPath, [...nodeFlags, ...profile, script, "--stdio"], {
      cwd: root,
      stdio: ["pipe", "pipe", "inherit"],
      env: { ...process.env, ...env },
    });
    const connection = lsp.createProtocolConnection(
      new lsp.StreamMessageReader(child.stdout),
      new lsp.StreamMessageWriter(child.stdin),
    );
    const session = new Session(child, connection, root);
    connection.onNotification(lsp.PublishDiagnosticsNotification.type, (params) => session.published(params));
    connection.onNotification(lsp.LogMessageNotification.type, (params) => session.logged(params.message));
    connection.onRequest(lsp.ConfigurationRequest.type, (params) => params.items.map(() => ({})));
    connection.onRequest(lsp.CodeLensRefreshRequest.type, () => null);
    connection.onRequest(lsp.RegistrationRequest.type, () => null);
    connection.onRequest(lsp.WorkDoneProgressCreateRequest.type, () => null);
    connection.listen();
    return session;
  }

  constructor(child, connection, root) {
    this.child = child;
    this.connection = connection;
    this.root = root;
    this.initializeSentAt = 0;
    this.latest = new Map();
    this.waiters = [];
    this.texts = new Map();
    this.lastPublication = 0;
    this.impactAnalysed = new Promise((resolvePromise) => (this.onImpactAnalysed = resolvePromise));
    this.factsCacheWritten = new Promise((resolvePromise) => (this.onFactsCacheWritten = resolvePromise));
    this.analysedLog = undefined;
  }

  /** When the last diagnostics arrived before none came for `quietMs`. */
  async lastPublicationBeforeQuiet(quietMs) {
    while (performance.now() - this.lastPublication < quietMs)
      await new Promise((resolvePromise) => setTimeout(resolvePromise, quietMs / 10));
    return this.lastPublication;
  }

  logged(message) {
    if (process.env.ASSETLINE_BENCH_LOG === "1")
      console.error(`  [server ${(performance.now() - this.initializeSentAt).toFixed(0)} ms] ${message}`);
    if (message.startsWith("impact: analysed ")) this.onImpactAnalysed(performance.now());
    if (message.startsWith("analyzed ")) this.analysedLog = message;
    if (message.startsWith("facts cache written")) this.onFactsCacheWritten();
  }

  /** A heap snapshot of the server in `dir`; the answer to a request after the signal means it is written. */
  async heapSnapshot(dir) {
    const before = readdirSync(dir).length;
    this.child.kill("SIGUSR2");
    await this.connection.sendRequest(lsp.WorkspaceSymbolRequest.type, { query: "snapshot" });
    if (readdirSync(dir).length === before) throw new Error(`no heap snapshot was written to ${dir}`);
  }

  async initialize() {
    const rootUri = pathToFileURL(this.root).href;
    this.initializeSentAt = performance.now();
    await this.connection.sendRequest(lsp.InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: "bench" }],
      capabilities: {
        workspace: {
          configuration: true,
          didChangeWatchedFiles: { dynamicRegistration: true },
          codeLens: { refreshSupport: true },
        },
        window: { workDoneProgress: true },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
          definition: { linkSupport: true },
        },
      },
    });
    await this.connection.sendNotification(lsp.InitializedNotification.type, {});
  }

  open(uri, text) {
    this.texts.set(uri, text);
    void this.connection.sendNotification(lsp.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: "typescript", version: 1, text },
    });
  }

  change(uri, version, change) {
    const text = this.texts.get(uri);
    const start = offsetOf(text, change.range.start);
    const end = offsetOf(text, change.range.end);
    this.texts.set(uri, text.slice(0, start) + change.text + text.slice(end));
    void this.connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [change],
    });
  }

  text(uri) {
    return this.texts.get(uri);
  }

  /** Resolves when diagnostics for `uri` at `version` have been published. */
  diagnosticsFor(uri, version) {
    if (this.latest.get(uri) >= version) return Promise.resolve();
    return new Promise((resolvePromise) => this.waiters.push({ uri, version, resolve: resolvePromise }));
  }

  published(params) {
    this.lastPublication = performance.now();
    if (params.version === undefined) return;
    this.latest.set(params.uri, params.version);
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.uri !== params.uri || params.version < waiter.version) return true;
      waiter.resolve();
      return false;
    });
  }

  async timed(work) {
    const started = performance.now();
    await work();
    return performance.now() - started;
  }

  /** Linux: the kernel's high-water mark of the server's resident set. */
  peakRssMB() {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, "utf8");
      return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024);
    } catch {
      return "n/a";
    }
  }

  async stop() {
    await this.connection.sendRequest(lsp.ShutdownRequest.type).catch(() => undefined);
    await this.connection.sendNotification(lsp.ExitNotification.type).catch(() => undefined);
    await new Promise((resolvePromise) =>
      this.child.exitCode !== null ? resolvePromise() : this.child.on("exit", resolvePromise),
    );
    this.connection.dispose();
  }
}

function sleep(ms) {
  return new Promise((resolvePromise) => setTimeout(() => resolvePromise(undefined), ms).unref());
}

function positionOf(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

function offsetOf(text, position) {
  let offset = 0;
  for (let line = 0; line < position.line; line++) offset = text.indexOf("\n", offset) + 1;
  return offset + position.character;
}

function summarise(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { p50: at(50), p90: at(90), max: sorted[sorted.length - 1] };
}

function fmt(ms) {
  return `${ms.toFixed(1).padStart(6)} ms`;
}

await main();
