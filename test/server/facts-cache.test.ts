import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type FileEvent,
  FileChangeType,
  LogMessageNotification,
  type LogMessageParams,
} from "vscode-languageserver-protocol";
import { REPO_ROOT, TestClient } from "./support/client";

describe("language server: the facts cache", function () {
  this.timeout(60_000);
  let root: string;
  let cacheHome: string;
  let client: TestClient | undefined;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "assetline-facts-server-"));
    cpSync(join(REPO_ROOT, "test", "fixtures", "lsp-workspace"), root, { recursive: true });
    cacheHome = mkdtempSync(join(tmpdir(), "assetline-facts-server-home-"));
  });
  afterEach(async function () {
    if (this.currentTest?.state === "failed") client?.kill();
    else await client?.stop();
    client = undefined;
    rmSync(root, { recursive: true, force: true });
    rmSync(cacheHome, { recursive: true, force: true });
  });

  const logs = (started: TestClient): string[] =>
    started.notifications
      .filter((n) => n.method === LogMessageNotification.method)
      .map((n) => (n.params as LogMessageParams).message);

  async function start(): Promise<TestClient> {
    const env = { XDG_CACHE_HOME: cacheHome, ASSETLINE_FACTS_CACHE: "" };
    client = (await TestClient.start("lsp-workspace", { root, env })).client;
    return client;
  }

  /** The first analysis's log line, once it is there. */
  async function analysed(started: TestClient): Promise<string> {
    const find = () => logs(started).find((message) => message.startsWith("analyzed "));
    await started.waitFor("the first analysis", () => find() !== undefined);
    return find()!;
  }

  /** Every file's diagnostics, once the files `expected` names have all been published. */
  async function diagnosticsOfAll(started: TestClient, expected: readonly string[]): Promise<string> {
    await started.waitFor("every file's diagnostics", () => expected.every((uri) => started.diagnostics.has(uri)));
    return JSON.stringify([...started.diagnostics].sort(([a], [b]) => a.localeCompare(b)));
  }

  it("is written after the first diagnostics, and a restart reads every file's facts from it", async () => {
    const first = await start();
    assert.match(await analysed(first), /, facts of 0 read from the cache$/);
    await first.waitFor("the facts cache written", () => logs(first).some((m) => m.startsWith("facts cache written")));
    const uris = [...first.diagnostics.keys()];
    assert.ok(uris.length >= 3, uris.join(" "));
    const before = await diagnosticsOfAll(first, uris);
    assert.equal(readdirSync(join(cacheHome, "assetline", "facts")).length, 1);
    await first.stop();

    appendFileSync(join(root, "src", "marts", "revenue.ts"), "\n// edited between the two starts\n");
    const second = await start();
    const files = Number(/^analyzed (\d+) files/.exec(await analysed(second))![1]);
    assert.match(await analysed(second), new RegExp(`, facts of ${files - 1} read from the cache$`));
    assert.equal(await diagnosticsOfAll(second, uris), before);
  });

  it("is brought up to date after many files change at once, so the next start scans none of them", async () => {
    mkdirSync(join(root, "src", "many"));
    const many = Array.from({ length: 60 }, (_, i) => `src/many/m${i}.ts`);
    const write = (suffix: string) =>
      many.forEach((file, i) =>
        writeFileSync(
          join(root, file),
          `import { asset } from "assetline";\nexport const m${i} = asset({}, async () => {});\n${suffix}`,
        ),
      );
    write("");
    const first = await start();
    await first.waitFor("the facts cache written", () => logs(first).some((m) => m.startsWith("facts cache written")));
    write("// a branch switch rewrote every one\n");
    await first.filesChanged(
      ...many.map((file): FileEvent => ({ uri: first.uri(file), type: FileChangeType.Changed })),
    );
    await first.waitFor(
      "the facts cache written again",
      () => logs(first).filter((m) => m.startsWith("facts cache written")).length === 2,
    );
    await first.stop();
    const second = await start();
    const files = Number(/^analyzed (\d+) files/.exec(await analysed(second))![1]);
    assert.ok(files > 60);
    assert.match(await analysed(second), new RegExp(`, facts of ${files} read from the cache$`));
  });

  it("reads what `assetline check` cached, the CLI and the server being one engine build", async () => {
    const check = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "assetline.js"), "check", root], {
      encoding: "utf8",
      env: { ...process.env, XDG_CACHE_HOME: cacheHome, CI: "", ASSETLINE_FACTS_CACHE: "" },
    });
    assert.equal(check.stderr, "");
    const started = await start();
    const files = Number(/^analyzed (\d+) files/.exec(await analysed(started))![1]);
    assert.ok(files >= 5);
    assert.match(await analysed(started), new RegExp(`, facts of ${files} read from the cache$`));
  });
});
