/**
 * Files written on disk reach the analysis through the client's watcher, whose events are fewer
 * than the writes: VS Code folds a file's change into its creation, reports a folder created with
 * files in it as the folder alone (its watcher starts on a new folder only once it sees it), and
 * reports nothing that happened before its watcher was set up. Each test sends only what VS Code
 * would, and requires the file to be analysed: no file written on disk may be missed for good.
 */
import { strict as assert } from "node:assert";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  DidChangeWatchedFilesNotification,
  type DidChangeWatchedFilesRegistrationOptions,
  FileChangeType,
  type RegistrationParams,
  RegistrationRequest,
  WatchKind,
} from "vscode-languageserver-protocol";
import type { TestClient } from "./support/client";
import { serverPerTest } from "./support/perTest";

/** A definition with a missing upstream: its AL002 says the file was analysed. */
const MISSING_UPSTREAM = `import { asset } from "assetline";\n\nexport const revenue_feed = asset({ deps: ["raw_orderz"] }, () => {});\n`;

function hasMissingUpstream(client: TestClient, file: string): Promise<unknown> {
  return client.diagnosticsOf(file, (d) => d.some((diagnostic) => diagnostic.code === "AL002"));
}

/** The watchers the server registered with the client, once it has. */
async function watchers(client: TestClient): Promise<DidChangeWatchedFilesRegistrationOptions["watchers"]> {
  const registration = () =>
    client.serverRequests
      .filter((request) => request.method === RegistrationRequest.method)
      .flatMap((request) => (request.params as RegistrationParams).registrations)
      .find((candidate) => candidate.method === DidChangeWatchedFilesNotification.method);
  await client.waitFor("the file watchers' registration", () => registration() !== undefined);
  return (registration()!.registerOptions as DidChangeWatchedFilesRegistrationOptions).watchers;
}

describe("language server: files written on disk, as the client's watcher reports them", function () {
  this.timeout(60_000);
  const server = serverPerTest();

  it("finds the files of a new folder reported only as the folder's creation", async () => {
    const client = await server.startAnalyzed("lsp-workspace");
    const folderCreations = (await watchers(client)).filter(
      (watcher) => watcher.globPattern === "**/*" && ((watcher.kind ?? 7) & WatchKind.Create) !== 0,
    );
    assert.equal(folderCreations.length, 1, "the server asks to hear of created folders");
    mkdirSync(join(client.root, "src", "feeds"));
    writeFileSync(join(client.root, "src", "feeds", "revenue_feed.ts"), MISSING_UPSTREAM);
    await client.filesChanged({ uri: client.uri("src/feeds"), type: FileChangeType.Created });
    await hasMissingUpstream(client, "src/feeds/revenue_feed.ts");
  });

  /** Writes `file` in a fresh server's workspace, reports it as `type` only, and requires it analysed. */
  async function reportedOnlyAs(file: string, type: FileChangeType): Promise<void> {
    const client = await server.startAnalyzed("lsp-workspace");
    writeFileSync(join(client.root, file), MISSING_UPSTREAM);
    await client.filesChanged({ uri: client.uri(file), type });
    await hasMissingUpstream(client, file);
  }

  it("reads a listed file again when its change comes folded into a creation", () =>
    reportedOnlyAs("src/staging/stg_orders.ts", FileChangeType.Created));

  it("finds a file whose creation went unreported when its change is", () =>
    reportedOnlyAs("src/late.ts", FileChangeType.Changed));

  it("finds a file written after the first listing, before the client's watcher was live", async () => {
    let answer!: () => void;
    const client = await server.start("lsp-workspace", {
      registrationAnswered: new Promise<void>((resolve) => (answer = resolve)),
    });
    await watchers(client);
    await client.initialAnalysis();
    // Written after the listing and before the watcher exists: no client reports it, ever.
    writeFileSync(join(client.root, "src", "late.ts"), MISSING_UPSTREAM);
    answer();
    await hasMissingUpstream(client, "src/late.ts");
  });
});
