import assert from "node:assert/strict";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  type AnalysisSnapshot,
  DiskReader,
  type FileFacts,
  OverlayReader,
  type SourceReader,
  WorkspaceAnalysis,
} from "../../server/src/analysis";
import { FactsCache, type FactsCacheOptions } from "../../server/src/analysis/cache/factsCache";
import { decodeFacts, encodeFacts } from "../../server/src/analysis/cache/factsCodec";
import { fingerprintOf } from "../../server/src/analysis/cache/engineFingerprint";
import { useFastSqlPath } from "../../server/src/analysis/sql/fastTables";
import { DEFAULT_SCAN_OPTIONS, scanFile } from "../../server/src/analysis/scan/scanFile";
import { writesFactsCache } from "../../server/src/cli/analyze";

const ROOT = join(__dirname, "..", "..");
const MAX = DEFAULT_SCAN_OPTIONS.maxFileBytes;

/** Every analysable file of the fixtures and the example, scanned as the analysis scans them. */
function scannedRepositoryFiles(): FileFacts[] {
  const facts: FileFacts[] = [];
  for (const dir of [join(ROOT, "examples", "jaffle_shop"), ...fixtureDirs()]) {
    const reader = new DiskReader(dir);
    for (const file of reader.listFiles()) {
      const text = reader.readFile(file);
      if (text !== undefined) facts.push(scanFile(`${relative(ROOT, dir)}/${file}`, text));
    }
  }
  return facts;
}

function fixtureDirs(): string[] {
  const fixtures = join(ROOT, "test", "fixtures");
  return readdirSync(fixtures).map((name) => join(fixtures, name));
}

/** What a snapshot tells its users, for a byte-for-byte comparison. */
function snapshotJson(snapshot: AnalysisSnapshot): string {
  const { assets, checks, diagnostics, files, graph } = snapshot;
  return JSON.stringify({ assets, checks, diagnostics, files, edges: graph.toposort().map((k) => graph.parents(k)) });
}

function plainJson(reader: SourceReader): string {
  return snapshotJson(new WorkspaceAnalysis(reader).analyzeAll());
}

describe("the facts cache's encoding", () => {
  it("gives back the very facts it was given, for every file of the example and the fixtures", () => {
    const all = scannedRepositoryFiles();
    assert.ok(all.length > 50, `${all.length} files`);
    let kept = 0;
    for (const facts of all) {
      const line = encodeFacts(facts);
      if (facts.skipped) continue;
      assert.ok(line !== undefined, `${facts.file} could not be encoded`);
      assert.ok(!line.includes("\n"), "one line per file");
      assert.deepEqual(decodeFacts(line, facts.text), facts, facts.file);
      kept++;
    }
    assert.ok(kept > 50);
  });

  it("keeps a location in another file, undefined fields and empty Maps", () => {
    const facts = scanFile("a.ts", `import { asset } from "assetline";\nexport const a = asset({}, async () => {});\n`);
    const diagnostic = {
      code: "AL007" as const,
      severity: "info" as const,
      location: { file: "b.ts", range: { start: { line: 1, character: 2 }, end: { line: 3, character: 4 } } },
      message: "elsewhere",
      related: [],
      data: undefined,
    };
    const changed: FileFacts = { ...facts, diagnostics: [diagnostic], exports: new Map() };
    assert.deepEqual(decodeFacts(encodeFacts(changed)!, changed.text), changed);
  });

  it("refuses what JSON would give back different, rather than keep it changed", () => {
    const facts = scanFile(
      "a.ts",
      `import { asset } from "assetline";\nexport const a = asset({ tags: { t: "x" } }, async () => {});\n`,
    );
    const withTags = (tags: unknown): FileFacts => ({
      ...facts,
      calls: facts.calls.map((call) => ({ ...call, config: { ...call.config, tags: tags as Record<string, string> } })),
    });
    assert.ok(encodeFacts(withTags({ t: "x" })) !== undefined);
    class Tagged {
      t = "x";
    }
    for (const strange of [
      { t: null },
      { t: Number.NaN },
      { t: -0 },
      { t: Infinity },
      new Set(["x"]),
      new Tagged(),
      { "\u0000m": [] },
    ])
      assert.equal(encodeFacts(withTags(strange)), undefined, JSON.stringify(strange));
  });
});

describe("the facts cache", () => {
  let workspace: string;
  let folder: string;
  let options: FactsCacheOptions;
  before(async () => {
    const { generateWorkspace } = (await import(join(ROOT, "bench", "analysis", "generate.mjs"))) as {
      generateWorkspace: (dir: string, files: number) => unknown;
    };
    workspace = mkdtempSync(join(tmpdir(), "assetline-facts-ws-"));
    generateWorkspace(workspace, 60);
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "assetline-facts-cache-"));
    options = { engine: "engine-a", maxFileBytes: MAX, folder };
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  /** One analysis through a freshly opened cache, saved after: its snapshot, hits and whether it wrote. */
  function analyzeWithCache(reader: SourceReader = new DiskReader(workspace), cacheOptions = options, release = false) {
    const cache = FactsCache.open(workspace, cacheOptions);
    const analysis = new WorkspaceAnalysis(reader, { sharedFacts: cache.lookup });
    analysis.scanFiles(reader.listFiles());
    // As the CLI and the server do once every file is looked up.
    if (release) cache.releaseLines();
    const snapshot = analysis.updateFiles([]);
    const json = snapshotJson(snapshot);
    const wrote = cache.save(snapshot.files.map((file) => analysis.factsOf(file)));
    return { json, hits: cache.hits, wrote, cache };
  }

  it("is read back whole by the next analysis, which then gives the same snapshot and writes nothing", () => {
    const plain = plainJson(new DiskReader(workspace));
    const first = analyzeWithCache();
    assert.equal(first.hits, 0);
    assert.equal(first.wrote, true);
    assert.equal(first.json, plain);
    const files = new DiskReader(workspace).listFiles().length;
    const second = analyzeWithCache();
    assert.equal(second.hits, files);
    assert.equal(second.json, plain);
    assert.equal(second.wrote, false, "nothing changed, so the file is left as it is");
    assert.deepEqual(
      readdirSync(folder).filter((name) => name.endsWith(".tmp")),
      [],
    );
  });

  it("scans again only an edited file, and keeps the rest's lines", () => {
    analyzeWithCache();
    const reader = new OverlayReader(new DiskReader(workspace));
    const file = reader.listFiles()[7]!;
    reader.setBuffer(file, `${reader.readFile(file)}\nexport const extra = 1;\n`);
    const edited = analyzeWithCache(reader);
    assert.equal(edited.hits, reader.listFiles().length - 1);
    assert.equal(edited.wrote, true);
    assert.equal(edited.json, plainJson(reader));
    assert.equal(analyzeWithCache(reader).hits, reader.listFiles().length, "the edited file's new facts were kept");
    assert.equal(analyzeWithCache().hits, reader.listFiles().length - 1, "and its old text is a miss again");
  });

  it("writes the unchanged files' lines after letting go of them, read again from the file", () => {
    analyzeWithCache();
    const reader = new OverlayReader(new DiskReader(workspace));
    const files = reader.listFiles();
    reader.setBuffer(files[3]!, `${reader.readFile(files[3]!)}\nexport const extra = 1;\n`);
    const released = analyzeWithCache(reader, options, true);
    assert.equal(released.hits, files.length - 1);
    assert.equal(released.wrote, true);
    assert.equal(analyzeWithCache(reader).hits, files.length);
    assert.equal(analyzeWithCache(undefined, options, true).wrote, true, "the old text's facts are new again");
    assert.equal(analyzeWithCache(undefined, options, true).wrote, false, "an unchanged run writes nothing");
  });

  it("is brought up to date by a cache that looked nothing up (a later save of a long session)", () => {
    const { cache } = analyzeWithCache();
    const before = readFileSync(cache.path, "utf8").split("\n");
    const reader = new OverlayReader(new DiskReader(workspace));
    const analysis = new WorkspaceAnalysis(reader);
    analysis.analyzeAll();
    const files = reader.listFiles();
    const factsNow = () => files.map((file) => analysis.factsOf(file));
    assert.equal(FactsCache.open(workspace, options).save(factsNow()), false, "nothing changed");
    reader.setBuffer(files[5]!, `${reader.readFile(files[5]!)}\nexport const extra = 1;\n`);
    analysis.updateFile(files[5]!);
    assert.equal(FactsCache.open(workspace, options).save(factsNow()), true);
    const after = readFileSync(cache.path, "utf8").split("\n");
    const changed = after.filter((line) => !before.includes(line));
    assert.equal(changed.length, 1, "the other files' lines are written out as they were");
    assert.ok(changed[0]!.includes(JSON.stringify(files[5])));
    assert.equal(analyzeWithCache(reader).hits, files.length);
  });

  it("keys the facts of a file edited after it was looked up by the text they were read from", () => {
    const cache = FactsCache.open(workspace, options);
    assert.equal(cache.lookup("x.ts", "export const a = 1;\n"), undefined);
    cache.save([scanFile("x.ts", "export const b = 2;\n")]);
    const reopened = FactsCache.open(workspace, options);
    assert.equal(reopened.lookup("x.ts", "export const a = 1;\n"), undefined);
    assert.deepEqual(reopened.lookup("x.ts", "export const b = 2;\n"), scanFile("x.ts", "export const b = 2;\n"));
  });

  it("tells texts apart that differ only in a lone surrogate (an unsaved buffer may hold one)", () => {
    const cache = FactsCache.open(workspace, options);
    const replaced = 'export const a = "\ufffd";\n';
    cache.save([scanFile("x.ts", replaced)]);
    const reopened = FactsCache.open(workspace, options);
    assert.equal(reopened.lookup("x.ts", 'export const a = "\ud800";\n'), undefined);
    assert.ok(reopened.lookup("x.ts", replaced));
  });

  it("writes nothing again for a workspace with a file too large to analyse, and marks its file used", () => {
    const small = { ...options, maxFileBytes: 4000 };
    const reader = new DiskReader(workspace);
    const run = () => {
      const cache = FactsCache.open(workspace, small);
      const analysis = new WorkspaceAnalysis(reader, { sharedFacts: cache.lookup, maxFileBytes: 4000 });
      const snapshot = analysis.analyzeAll();
      return {
        cache,
        skipped: snapshot.files.filter((file) => analysis.factsOf(file)!.skipped).length,
        wrote: cache.save(snapshot.files.map((file) => analysis.factsOf(file))),
      };
    };
    const first = run();
    assert.ok(first.skipped > 0, "some generated files are over 4,000 bytes");
    assert.equal(first.wrote, true);
    utimesSync(first.cache.path, 1000, 1000);
    const second = run();
    assert.equal(second.wrote, false);
    assert.ok(statSync(second.cache.path).mtimeMs > 1_000_000, "an unchanged run keeps the file from looking old");
  });

  it("lets go of what it holds once disposed", () => {
    analyzeWithCache();
    const cache = FactsCache.open(workspace, options);
    const reader = new DiskReader(workspace);
    const file = reader.listFiles()[0]!;
    assert.ok(cache.lookup(file, reader.readFile(file)!));
    cache.dispose();
    assert.equal(cache.hits, 0);
    assert.equal(cache.lookup(file, reader.readFile(file)!), undefined);
  });

  it("is never read by another engine build or size limit", () => {
    analyzeWithCache();
    assert.equal(analyzeWithCache(undefined, { ...options, engine: "engine-b" }).hits, 0);
    assert.equal(analyzeWithCache(undefined, { ...options, maxFileBytes: MAX - 1 }).hits, 0);
    assert.ok(analyzeWithCache().hits > 0, "each kept its own file");
  });

  it("scans a file whose line is damaged, and reads a damaged or foreign file as empty", () => {
    const { cache } = analyzeWithCache();
    const lines = readFileSync(cache.path, "utf8").split("\n");
    lines[3] = lines[3]!.slice(0, lines[3]!.length / 2);
    writeFileSync(cache.path, lines.join("\n"));
    const files = new DiskReader(workspace).listFiles().length;
    const plain = plainJson(new DiskReader(workspace));
    const damaged = analyzeWithCache();
    assert.equal(damaged.hits, files - 1);
    assert.equal(damaged.json, plain);
    assert.equal(analyzeWithCache().hits, files, "the damaged line was replaced");
    for (const content of ["not a cache", "", `{"format":"assetline-facts/0"}\n`]) {
      writeFileSync(cache.path, content);
      const read = analyzeWithCache();
      assert.equal(read.hits, 0);
      assert.equal(read.json, plain);
    }
  });

  it("keeps a few files per workspace, a few dozen in all, and half a GB at most", () => {
    for (let i = 0; i < 40; i++) {
      const path = join(folder, `${i.toString(16).padStart(16, "0")}-other.jsonl`);
      writeFileSync(path, "x");
      utimesSync(path, 1000 + i, 1000 + i);
    }
    // An old one of 600 MB (sparse: no disk is used), which the size limit removes.
    const large = join(folder, "ffffffffffffffff-large.jsonl");
    writeFileSync(large, "");
    truncateSync(large, 600 * 1024 * 1024);
    utimesSync(large, 10, 10);
    for (const engine of ["e1", "e2", "e3", "e4", "e5", "e6"]) analyzeWithCache(undefined, { ...options, engine });
    assert.equal(existsSync(large), false);
    const left = readdirSync(folder);
    assert.ok(left.length <= 32, `${left.length} files left`);
    const mine = left.filter((name) => !name.endsWith("-other.jsonl"));
    assert.equal(mine.length, 4, mine.join(" "));
    assert.ok(left.includes(`${(39).toString(16).padStart(16, "0")}-other.jsonl`), "the newest others stay");
  });

  it("removes what a writer that did not finish left, not what one is writing", () => {
    const abandoned = join(folder, "0123456789abcdef-x.jsonl.999999-1.tmp");
    const writing = join(folder, "0123456789abcdef-x.jsonl.999999-2.tmp");
    writeFileSync(abandoned, "half a file");
    utimesSync(abandoned, 1000, 1000);
    writeFileSync(writing, "half a file");
    analyzeWithCache();
    assert.equal(existsSync(abandoned), false);
    assert.equal(existsSync(writing), true);
  });
});

describe("the engine's fingerprint", () => {
  afterEach(() => useFastSqlPath(true));

  it("is another when the SQL fast path is off, which changes how statements are read", () => {
    const on = fingerprintOf("build");
    assert.equal(fingerprintOf("build"), on);
    assert.notEqual(fingerprintOf("another build"), on);
    useFastSqlPath(false);
    assert.notEqual(fingerprintOf("build"), on);
  });

  it("comes from a build id that changes with any source file of the engine", async () => {
    const { engineBuildId } = (await import(join(ROOT, "scripts", "engineBuildId.mjs"))) as {
      engineBuildId: (root?: string) => string;
    };
    const copy = mkdtempSync(join(tmpdir(), "assetline-build-id-"));
    try {
      cpSync(join(ROOT, "server", "src"), join(copy, "server", "src"), { recursive: true });
      for (const file of ["package-lock.json", "esbuild.mjs"]) cpSync(join(ROOT, file), join(copy, file));
      const original = engineBuildId(copy);
      assert.match(original, /^[0-9a-f]{40}$/);
      assert.equal(original, engineBuildId(), "the copy is the checkout's engine");
      writeFileSync(join(copy, "server", "src", "analysis", "facts.ts"), "// another engine\n", { flag: "a" });
      assert.notEqual(engineBuildId(copy), original);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe("assetline's CLI and the facts cache in CI", () => {
  it("writes it outside CI, and in CI only when asked to", () => {
    assert.equal(writesFactsCache({}), true);
    assert.equal(writesFactsCache({ CI: "" }), true);
    assert.equal(writesFactsCache({ CI: "false" }), true);
    assert.equal(writesFactsCache({ CI: "true" }), false);
    assert.equal(writesFactsCache({ CI: "1" }), false);
    assert.equal(writesFactsCache({ CI: "true", ASSETLINE_FACTS_CACHE: "1" }), true);
  });
});
