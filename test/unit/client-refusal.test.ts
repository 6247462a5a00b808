import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fixFor, refusalOf } from "../../client/src/refusal";
import { ClientCommands } from "../../protocol/commands";

describe("client: a refused run offers its fix", () => {
  it("reads the server's refusal from the error's data, and nothing else", () => {
    assert.deepEqual(refusalOf({ kind: "unsaved", files: ["src/a.ts", 3] }), { kind: "unsaved", files: ["src/a.ts"] });
    assert.deepEqual(refusalOf({ kind: "definitionErrors", file: "src/a.ts", line: 4, character: 2 }), {
      kind: "definitionErrors",
      file: "src/a.ts",
      line: 4,
      character: 2,
    });
    assert.deepEqual(refusalOf({ kind: "untrusted", extra: 1 }), { kind: "untrusted" });
    assert.equal(refusalOf({ kind: "unsaved", files: [] }), undefined);
    assert.equal(refusalOf({ kind: "definitionErrors", file: "src/a.ts" }), undefined);
    assert.equal(refusalOf({ kind: "reboot" }), undefined);
    assert.equal(refusalOf(undefined), undefined);
    assert.equal(refusalOf("unsaved"), undefined);
  });

  it("maps each reason to the button that fixes it", () => {
    assert.deepEqual(fixFor({ kind: "unsaved", files: ["src/a.ts"] }), {
      label: "Save File",
      kind: "save",
      files: ["src/a.ts"],
    });
    assert.equal(fixFor({ kind: "unsaved", files: ["src/a.ts", "src/b.ts"] }).label, "Save Files");
    assert.deepEqual(fixFor({ kind: "definitionErrors", file: "src/a.ts", line: 4, character: 2 }), {
      label: "Open Problem",
      kind: "open",
      file: "src/a.ts",
      line: 4,
      character: 2,
    });
    assert.equal(fixFor({ kind: "untrusted" }).label, "Manage Workspace Trust");
    assert.equal(fixFor({ kind: "selection" }).label, "Show logs");
    assert.equal(fixFor(undefined).label, "Show logs");
  });

  it("hides the commands that run code from the palette of an untrusted workspace, and binds Go to Asset…", () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {
      contributes: {
        menus: { commandPalette: { command: string; when?: string }[] };
        keybindings: { command: string; key: string; mac?: string }[];
      };
    };
    const palette = new Map(manifest.contributes.menus.commandPalette.map((entry) => [entry.command, entry.when]));
    for (const command of [
      ClientCommands.materialize,
      ClientCommands.materializeWithUpstream,
      ClientCommands.runChecks,
    ]) {
      assert.match(palette.get(command) ?? "", /\bisWorkspaceTrusted\b/, `${command} is offered in restricted mode`);
    }
    assert.equal(palette.get(ClientCommands.showLineage), undefined, "the lineage panel works in restricted mode too");
    assert.equal(palette.get("assetline.goToAsset"), undefined, "Go to Asset… reads, it never runs code");
    assert.deepEqual(
      manifest.contributes.keybindings
        .filter((binding) => binding.command === "assetline.goToAsset")
        .map((binding) => [binding.key, binding.mac]),
      [["ctrl+alt+a", "cmd+alt+a"]],
    );
  });
});
