import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { analyzeDirectory, DiskReader, OverlayReader, WorkspaceAnalysis } from "../../server/src/analysis";
import { scratchWorkspace } from "./support/analysis";

function write(root: string, file: string, text: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

const HELPERS = `export function clean(value: string) {
  return value.trim();
}
`;
const ORDERS = `import { asset } from "assetline";
import { clean } from "./helpers";

function localHelper() {
  return clean(" x ");
}

export const orders = asset({ group: "marts" }, async (ctx) => {
  ctx.db.exec("create table orders as select 1 as id");
  localHelper();
});
`;

/** ORDERS' version as main at ec2337f computed it, before versions were hashed lazily and into one buffer. */
const RECORDED_VERSION = "0375e0203217e76e";

describe("analysis: workspace", () => {
  let workspace: ReturnType<typeof scratchWorkspace>;
  beforeEach(() => {
    workspace = scratchWorkspace();
    write(workspace.root, "src/helpers.ts", HELPERS);
    write(workspace.root, "src/orders.ts", ORDERS);
  });
  afterEach(() => workspace.dispose());

  const versionOf = (root: string) =>
    analyzeDirectory(root).assets.find((asset) => asset.key === "orders")!.codeVersion;

  describe("code versions", () => {
    it("ignore whitespace and comments", () => {
      const before = versionOf(workspace.root);
      write(
        workspace.root,
        "src/orders.ts",
        ORDERS.replace("async (ctx) => {", "async (ctx) => {   // build it\n\n  /* why */"),
      );
      assert.equal(versionOf(workspace.root), before);
    });

    it("change when the SQL string changes, even only its spacing", () => {
      const before = versionOf(workspace.root);
      write(workspace.root, "src/orders.ts", ORDERS.replace("select 1 as id", "select 1  as id"));
      assert.notEqual(versionOf(workspace.root), before);
    });

    it("change when a local helper or an imported helper changes", () => {
      const before = versionOf(workspace.root);
      write(workspace.root, "src/orders.ts", ORDERS.replace('clean(" x ")', 'clean(" y ")'));
      const afterLocal = versionOf(workspace.root);
      assert.notEqual(afterLocal, before);
      write(workspace.root, "src/helpers.ts", HELPERS.replace("trim()", "trimStart()"));
      assert.notEqual(versionOf(workspace.root), afterLocal);
    });

    it("do not change when an unrelated file changes", () => {
      const before = versionOf(workspace.root);
      write(workspace.root, "src/other.ts", "export const unrelated = 1;\n");
      assert.equal(versionOf(workspace.root), before);
    });

    it("are the ones main at ec2337f recorded in histories (a different one marks every asset stale)", () => {
      assert.equal(versionOf(workspace.root), RECORDED_VERSION);
    });

    it("hashed when first read, read like a value: JSON, spreads and structured clones carry them, assignment fails", () => {
      const asset = analyzeDirectory(workspace.root).assets[0]!;
      assert.ok(Object.keys(asset).includes("codeVersion"));
      assert.equal((JSON.parse(JSON.stringify(asset)) as { codeVersion: string }).codeVersion, RECORDED_VERSION);
      assert.equal({ ...asset }.codeVersion, RECORDED_VERSION);
      assert.equal(structuredClone(asset).codeVersion, RECORDED_VERSION);
      assert.throws(() => {
        (asset as { codeVersion: string }).codeVersion = "edited";
      }, TypeError);
      assert.equal(asset.codeVersion, RECORDED_VERSION);
    });

    it("first read after an edit of a helper are those of the code that was analysed", () => {
      const reader = new OverlayReader(new DiskReader(workspace.root));
      const analysis = new WorkspaceAnalysis(reader);
      const before = analysis.analyzeAll();
      const edited = HELPERS.replace("trim()", "trimStart()");
      reader.setBuffer("src/helpers.ts", edited);
      const after = analysis.updateFile("src/helpers.ts");
      // Nothing read them before the edit (the re-link compares the old with the new during it).
      assert.equal(before.assets[0]!.codeVersion, RECORDED_VERSION);
      write(workspace.root, "src/helpers.ts", edited);
      assert.equal(after.assets[0]!.codeVersion, versionOf(workspace.root));
      assert.notEqual(after.assets[0]!.codeVersion, RECORDED_VERSION);
    });
  });

  describe("incremental updates", () => {
    it("re-analyses a created, changed and deleted file", () => {
      const analysis = new WorkspaceAnalysis(new DiskReader(workspace.root));
      assert.deepEqual(
        analysis.analyzeAll().assets.map((asset) => asset.key),
        ["orders"],
      );
      write(
        workspace.root,
        "src/customers.ts",
        `import { asset } from "assetline";\nexport const customers = asset({ deps: ["orders"] }, async () => {});\n`,
      );
      assert.deepEqual(
        analysis.updateFile("src/customers.ts").assets.map((asset) => asset.key),
        ["customers", "orders"],
      );
      rmSync(join(workspace.root, "src/orders.ts"));
      const afterDelete = analysis.updateFile("src/orders.ts");
      assert.deepEqual(
        afterDelete.assets.map((asset) => asset.key),
        ["customers"],
      );
      assert.deepEqual(
        afterDelete.diagnostics.map((diagnostic) => diagnostic.code),
        ["AL002"],
        "the dep on the deleted asset is now missing",
      );
    });

    it("keeps the last good facts of a file that stops parsing, when asked (the editor's policy)", () => {
      const overlay = new OverlayReader(new DiskReader(workspace.root));
      const analysis = new WorkspaceAnalysis(overlay, { keepLastGoodOnSyntaxError: true });
      analysis.analyzeAll();
      overlay.setBuffer(
        "src/orders.ts",
        ORDERS.replace("export const orders = asset({", "export const orders = asset({ deps: [ "),
      );
      assert.deepEqual(
        analysis.updateFile("src/orders.ts").assets.map((asset) => asset.key),
        ["orders"],
      );
      assert.equal(analysis.snapshot.assets[0]!.group, "marts");
    });

    it("takes another analysis' facts of an identical text, and scans a different one (impact's base)", () => {
      const working = new WorkspaceAnalysis(new DiskReader(workspace.root));
      working.analyzeAll();
      const overlay = new OverlayReader(new DiskReader(workspace.root));
      overlay.setBuffer("src/orders.ts", ORDERS.replace('group: "marts"', 'group: "base"'));
      const offered: string[] = [];
      const base = new WorkspaceAnalysis(overlay, {
        sharedFacts: (file, text) => {
          const facts = working.factsOf(file);
          offered.push(file);
          return facts?.text === text ? facts : undefined;
        },
      });
      const shared = base.analyzeAll();
      assert.deepEqual(offered.sort(), ["src/helpers.ts", "src/orders.ts"]);
      assert.equal(base.factsOf("src/helpers.ts"), working.factsOf("src/helpers.ts"), "the same facts object");
      assert.notEqual(base.factsOf("src/orders.ts"), working.factsOf("src/orders.ts"));
      assert.equal(shared.assets[0]!.group, "base");
      // The same analysis as one that shares nothing.
      const alone = new WorkspaceAnalysis(overlay).analyzeAll();
      assert.deepEqual(shared.assets, alone.assets);
      assert.deepEqual(shared.diagnostics, alone.diagnostics);
    });

    it("lays unsaved buffers over the disk", () => {
      const overlay = new OverlayReader(new DiskReader(workspace.root));
      const analysis = new WorkspaceAnalysis(overlay);
      analysis.analyzeAll();
      overlay.setBuffer("src/orders.ts", ORDERS.replace('group: "marts"', 'group: "edited"'));
      assert.equal(analysis.updateFile("src/orders.ts").assets[0]!.group, "edited");
      overlay.clearBuffer("src/orders.ts");
      assert.equal(analysis.updateFile("src/orders.ts").assets[0]!.group, "marts");
    });
  });

  describe("robustness and scope", () => {
    it("analyses the rest of the workspace when one file is broken", () => {
      write(
        workspace.root,
        "src/broken.ts",
        "import { asset } from 'assetline';\nexport const x = asset({ name: ,, }}}} ((\n",
      );
      write(workspace.root, "src/binary.ts", "\u0000\u0001\u0002 not typescript at all \uFFFF");
      const snapshot = analyzeDirectory(workspace.root);
      assert.ok(snapshot.assets.some((asset) => asset.key === "orders"));
    });

    it("skips node_modules, .gitignored folders (nested .gitignore too) and declaration files", () => {
      const definition = `import { asset } from "assetline";\nexport const hidden = asset({}, async () => {});\n`;
      write(workspace.root, "node_modules/pkg/index.ts", definition);
      write(workspace.root, ".gitignore", "generated/\n");
      write(workspace.root, "generated/x.ts", definition);
      write(workspace.root, "src/.gitignore", "scratch.ts\n");
      write(workspace.root, "src/scratch.ts", definition);
      write(workspace.root, "src/types.d.ts", definition);
      const snapshot = analyzeDirectory(workspace.root);
      assert.deepEqual(
        snapshot.assets.map((asset) => asset.key),
        ["orders"],
      );
      assert.deepEqual(snapshot.files, ["src/helpers.ts", "src/orders.ts"]);
    });

    it("notes, and skips, a file over the size limit", () => {
      write(workspace.root, "src/huge.ts", `export const data = ${JSON.stringify("x".repeat(3 * 1024 * 1024))};\n`);
      const snapshot = analyzeDirectory(workspace.root);
      const note = snapshot.diagnostics.find((diagnostic) => diagnostic.code === "AL007");
      assert.ok(note, "AL007 says the file was skipped");
      assert.equal(note!.severity, "info");
      assert.match(note!.message, /src\/huge\.ts is 3\.0 MB/);
    });
  });
});
