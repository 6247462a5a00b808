import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CodeActionRequest,
  CompletionRequest,
  type Diagnostic,
  DiagnosticSeverity,
  ShowMessageNotification,
  type ShowMessageParams,
  type SymbolInformation,
  WorkspaceSymbolRequest,
} from "vscode-languageserver-protocol";
import {
  assertNestedOutcome,
  type NestedDiagnostic,
  type NestedFile,
  writeNestedSources,
} from "../support/nestedSources";
import { startAnalyzed, type TestClient } from "./support/client";

function outcome(diagnostics: readonly Diagnostic[]): NestedDiagnostic[] {
  return diagnostics.map((d) => ({
    code: d.code,
    warning: d.severity === DiagnosticSeverity.Warning,
    message: String(d.message),
  }));
}

describe("language server: hostile input", function () {
  this.timeout(120_000);
  let client: TestClient | undefined;

  afterEach(async function () {
    if (this.currentTest?.state === "failed") client?.kill();
    else await client?.stop();
    client = undefined;
  });

  it("analyses or reports (AL007) every file nested up to 100,000 levels, stays alive when each is opened and edited", async () => {
    let nested: NestedFile[] = [];
    client = await startAnalyzed("al002-missing-upstream", { prepare: (root) => (nested = writeNestedSources(root)) });
    const server = client;
    // The first analysis: every nested file has its one diagnostic, and the healthy files theirs.
    for (const file of nested)
      assertNestedOutcome(file, outcome(await server.diagnosticsOf(file.file, (d) => d.length > 0)));
    const missing = await server.diagnosticsOf("src/missing.ts", (d) => d.length === 2);
    assert.deepEqual(
      missing.map((d) => d.code),
      ["AL002", "AL002"],
    );

    // Opening each file (the editor's didOpen killed the server before) re-analyses it from the buffer.
    for (const file of nested) {
      await server.open(file.file);
      assertNestedOutcome(file, outcome(await server.diagnosticsOf(file.file, (d) => d.length > 0)));
    }
    // Typing into the deepest files keeps them reported, and the rest of the workspace analysed.
    for (const file of nested.filter((candidate) => candidate.depth === 100_000)) {
      await server.edit(file.file, {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        text: "// edited\n",
      });
      assertNestedOutcome(file, outcome(await server.diagnosticsOf(file.file, (d) => d.length > 0)));
    }
    // Quick fixes and completion re-parse the document: on the deepest ones they still answer.
    for (const file of nested.filter((candidate) => candidate.depth === 100_000)) {
      const uri = server.uri(file.file);
      const [diagnostic] = await server.diagnosticsOf(file.file, (d) => d.length > 0);
      const actions = await server.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: diagnostic!.range,
        context: { diagnostics: [diagnostic!] },
      });
      // A file TypeScript parses gets its fix however deep it is; a skipped one has nothing to fix.
      if (diagnostic!.code === "AL003") assert.match(JSON.stringify(actions), /raw_orders/, file.file);
      else assert.deepEqual(actions, [], file.file);
      const completion = await server.connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri },
        position: { line: 6, character: 22 },
        context: { triggerKind: 2, triggerCharacter: " " },
      });
      assert.ok(completion === null || Array.isArray(completion) || Array.isArray(completion.items), file.file);
    }
    assert.equal(server.process.exitCode, null, `the server exited: ${server.stderr.join("")}`);
    const symbols = (await server.connection.sendRequest(WorkspaceSymbolRequest.type, {
      query: "nested_concatenation",
    })) as SymbolInformation[];
    assert.deepEqual(symbols.map((symbol) => symbol.name).sort(), [
      "nested_concatenation_10",
      "nested_concatenation_100",
      "nested_concatenation_1000",
      "nested_concatenation_10000",
      "nested_concatenation_100000",
    ]);
  });

  it("reports an unreadable file as AL007 and an unreadable folder in a warning, running as nobody", async function () {
    const nobody = userIds("nobody");
    if (process.getuid?.() !== 0 || !nobody) {
      console.log(
        `      skipped: ${!nobody ? "there is no user nobody" : "permission cases need root, to run the server as nobody"}`,
      );
      this.skip();
    }
    client = await startAnalyzed("al002-missing-upstream", {
      user: nobody,
      prepare: (root) => {
        mkdirSync(join(root, "src/private"));
        writeFileSync(
          join(root, "src/private/hidden.ts"),
          'import { source } from "assetline";\nexport const raw_ordres = source({});\n',
        );
        writeFileSync(
          join(root, "src/locked.ts"),
          'import { source } from "assetline";\nexport const locked = source({});\n',
        );
        // Everything readable by nobody (the copy is private to root), except what the test is about.
        spawnSync("chmod", ["-R", "a+rX", root]);
        chmodSync(join(root, "src/private"), 0o700);
        chmodSync(join(root, "src/locked.ts"), 0o600);
      },
    });
    const server = client;
    const [locked] = await server.diagnosticsOf("src/locked.ts", (d) => d.length > 0);
    assert.equal(locked!.code, "AL007");
    assert.equal(locked!.severity, DiagnosticSeverity.Warning);
    assert.match(
      String(locked!.message),
      /^src\/locked\.ts cannot be read \(permission denied\), so assets in it are not analysed\./,
    );
    await server.waitFor("a warning about src/private", () =>
      warnings(server).some((message) => message.includes("src/private")),
    );
    assert.deepEqual(warnings(server), [
      "Assetline skipped src/private/: cannot read the folder (permission denied), so assets in it are not analysed; give your user read and execute permission on it (chmod a+rx src/private) or add it to .gitignore",
    ]);
    // The healthy files are analysed as usual (the source hidden in src/private stays missing).
    const missing = await server.diagnosticsOf("src/missing.ts", (d) => d.length === 2);
    assert.match(String(missing[0]!.message), /"raw_ordres"/);
  });
});

function warnings(client: TestClient): string[] {
  return client.notifications
    .filter((notification) => notification.method === ShowMessageNotification.method)
    .map((notification) => notification.params as ShowMessageParams)
    .filter((params) => params.type === 2 /* MessageType.Warning */)
    .map((params) => params.message);
}

function userIds(name: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
