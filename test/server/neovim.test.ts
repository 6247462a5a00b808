import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, SERVER_SCRIPT } from "./support/client";

/** Proves the server is not VS Code-only: Neovim's own LSP client drives it, headless. */
describe("language server: Neovim's built-in LSP client", function () {
  this.timeout(90_000);
  const nvim = spawnSync("nvim", ["--version"], { encoding: "utf8" });

  before(function () {
    if (nvim.status !== 0) {
      console.log("    (skipped: `nvim` is not installed; scripts/install-system-deps.sh installs it)");
      this.skip();
    }
  });

  it("publishes diagnostics, navigates, hovers, lists symbols and lenses, and follows an edit", async () => {
    const root = mkdtempSync(join(tmpdir(), "assetline-nvim-"));
    const out = join(root, "..", `${root.split("/").pop()}-results.json`);
    cpSync(join(REPO_ROOT, "test/fixtures/lsp-workspace"), root, { recursive: true });
    try {
      const child = spawn("nvim", ["--headless", "-u", join(REPO_ROOT, "test/server/nvim/init.lua")], {
        cwd: root,
        env: {
          ...process.env,
          ASSETLINE_SERVER: SERVER_SCRIPT,
          ASSETLINE_ROOT: root,
          ASSETLINE_OUT: out,
          ASSETLINE_NODE: process.execPath,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      const results = JSON.parse(readFileSync(out, "utf8"));
      assert.equal(results.error ?? null, null, `Neovim reported: ${results.error}\n${output}`);
      assert.equal(code, 0);

      assert.deepEqual(
        results.diagnostics.map((d: { code: string; source: string }) => `${d.source} ${d.code}`),
        ["assetline AL002"],
      );
      assert.match(results.diagnostics[0].message, /Did you mean "stg_orders"\?/);
      const [definition] = results.definition;
      assert.ok((definition.uri ?? definition.targetUri).endsWith("/src/marts/orders.ts"));
      assert.match(results.hover.contents.value, /\*\*marts\/orders\*\* · asset · group `marts`/);
      assert.deepEqual(
        results.symbols.map((symbol: { name: string }) => symbol.name),
        ["stg_customers", "stg_orders"],
      );
      assert.ok(
        results.codeLens.some((lens: { command: { title: string } }) => lens.command.title === "▶ Materialize"),
      );
      assert.deepEqual(results.diagnosticsAfterEdit, []);
      assert.equal(results.stopped, true);
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(out, { force: true });
    }
  });
});
