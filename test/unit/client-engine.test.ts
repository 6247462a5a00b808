import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import {
  SERVER_NODE_FLAGS,
  checkNodeVersion,
  chooseEngine,
  resolveNode,
  serverNodeFlags,
} from "../../client/src/engine";

const BUNDLED = "/ext/dist/server.js";
const ROOT = "/ws";
const INSTALLED = "/ws/node_modules/assetline/dist/server.js";

describe("client: which engine runs the language server", () => {
  const has =
    (...paths: string[]) =>
    (path: string) =>
      paths.includes(path);

  it("prefers the workspace's installed engine in a trusted workspace", () => {
    const choice = chooseEngine({
      settingPath: "",
      workspaceRoot: ROOT,
      trusted: true,
      bundledScript: BUNDLED,
      exists: has(INSTALLED),
    });
    assert.equal(choice.source, "workspace");
    assert.equal(choice.serverScript, INSTALLED);
  });

  it("never runs the workspace's engine in an untrusted workspace", () => {
    const choice = chooseEngine({
      settingPath: "",
      workspaceRoot: ROOT,
      trusted: false,
      bundledScript: BUNDLED,
      exists: has(INSTALLED),
    });
    assert.equal(choice.source, "bundled");
    assert.equal(choice.serverScript, BUNDLED);
    assert.match(choice.reason, /not trusted/);
  });

  it("falls back to the bundled engine when none is installed, or there is no folder", () => {
    assert.equal(
      chooseEngine({ settingPath: "", workspaceRoot: ROOT, trusted: true, bundledScript: BUNDLED, exists: has() })
        .serverScript,
      BUNDLED,
    );
    assert.equal(
      chooseEngine({ settingPath: "", workspaceRoot: undefined, trusted: true, bundledScript: BUNDLED, exists: has() })
        .serverScript,
      BUNDLED,
    );
  });

  it("takes assetline.server.path as a package folder or a server.js, relative to the workspace", () => {
    const folder = chooseEngine({
      settingPath: "../engine",
      workspaceRoot: ROOT,
      trusted: true,
      bundledScript: BUNDLED,
      exists: has("/engine/dist/server.js"),
    });
    assert.deepEqual([folder.source, folder.serverScript], ["setting", "/engine/dist/server.js"]);
    const script = chooseEngine({
      settingPath: "/opt/al/server.js",
      workspaceRoot: ROOT,
      trusted: true,
      bundledScript: BUNDLED,
      exists: has("/opt/al/server.js"),
    });
    assert.equal(script.serverScript, "/opt/al/server.js");
    assert.throws(
      () =>
        chooseEngine({
          settingPath: "/nope",
          workspaceRoot: ROOT,
          trusted: true,
          bundledScript: BUNDLED,
          exists: has(),
        }),
      /does not exist/,
    );
  });
});

describe("client: which Node runs it", () => {
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "assetline-node-"));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  function fakeNode(folder: string): string {
    mkdirSync(folder, { recursive: true });
    const path = join(folder, "node");
    writeFileSync(path, "#!/bin/sh\necho 18.0.0\n");
    chmodSync(path, 0o755);
    return path;
  }

  it("looks a bare name up on PATH, skipping relative entries and the workspace's folders", () => {
    const workspace = join(scratch, "ws");
    fakeNode(join(workspace, "bin"));
    const real = fakeNode(join(scratch, "usr", "bin"));
    const PATH = ["bin", join(workspace, "bin"), join(scratch, "usr", "bin")].join(":");
    assert.equal(resolveNode("", workspace, { PATH }), real);
  });

  it("says what to do when Node is missing or the setting is malformed", () => {
    assert.throws(
      () => resolveNode("", undefined, { PATH: join(scratch, "empty") }),
      /not found on PATH.*assetline\.server\.nodePath/,
    );
    assert.throws(() => resolveNode("./node", undefined, { PATH: "" }), /command name or an absolute path/);
    assert.throws(() => resolveNode(join(scratch, "missing"), undefined, { PATH: "" }), /not an executable/);
  });

  it("accepts this Node and refuses one older than 20", async () => {
    assert.match(await checkNodeVersion(process.execPath), /^\d+\.\d+\.\d+$/);
    await assert.rejects(checkNodeVersion(fakeNode(join(scratch, "old"))), /needs Node\.js 20 or later/);
  });

  it("starts the server's Node with flags it accepts, which shrink V8's young generation", () => {
    // heap_size_limit counts the young generation's reservation: smaller semi-spaces, smaller limit.
    const limit = (flags: readonly string[]) =>
      Number(
        execFileSync(process.execPath, [
          ...flags,
          "-e",
          "process.stdout.write(String(require('node:v8').getHeapStatistics().heap_size_limit))",
        ]),
      );
    assert.ok(limit(SERVER_NODE_FLAGS) < limit([]));
  });

  it("requires the code cache beside the server script only when that engine ships one", () => {
    const withCache = join(scratch, "engine-with-cache");
    mkdirSync(withCache, { recursive: true });
    writeFileSync(join(withCache, "server.js"), "");
    writeFileSync(join(withCache, "codeCache.js"), "process.stdout.write('hooked')");
    const flags = serverNodeFlags(join(withCache, "server.js"));
    assert.deepEqual(flags, [...SERVER_NODE_FLAGS, "--require", join(withCache, "codeCache.js")]);
    assert.equal(execFileSync(process.execPath, [...flags, "-e", ""], { encoding: "utf8" }), "hooked");
    // An older installed engine without one starts with the plain flags.
    assert.deepEqual(serverNodeFlags(join(scratch, "older", "dist", "server.js")), [...SERVER_NODE_FLAGS]);
  });
});
