import assert from "node:assert/strict";
import { packageUsesAssetline, sourceImportsAssetline } from "../../client/src/detect";

describe("client: does this workspace use Assetline?", () => {
  it("reads package.json dependencies of every kind, and the package itself", () => {
    assert.equal(packageUsesAssetline(JSON.stringify({ dependencies: { assetline: "^0.1.0" } })), true);
    assert.equal(packageUsesAssetline(JSON.stringify({ devDependencies: { assetline: "file:../.." } })), true);
    assert.equal(packageUsesAssetline(JSON.stringify({ name: "assetline" })), true);
    assert.equal(
      packageUsesAssetline(JSON.stringify({ dependencies: { "assetline-extra": "1", react: "19" } })),
      false,
    );
    assert.equal(packageUsesAssetline(JSON.stringify({ description: "uses assetline" })), false);
    assert.equal(packageUsesAssetline("{ not json"), false);
    assert.equal(packageUsesAssetline("null"), false);
  });

  it("recognises imports of assetline, not mentions of the word", () => {
    assert.equal(sourceImportsAssetline('import { asset } from "assetline";'), true);
    assert.equal(sourceImportsAssetline("import * as al from 'assetline'"), true);
    assert.equal(sourceImportsAssetline('export * from "assetline";'), true);
    assert.equal(sourceImportsAssetline('const al = await import("assetline");'), true);
    assert.equal(sourceImportsAssetline('const al = require("assetline");'), true);
    assert.equal(sourceImportsAssetline('import x from "assetline-extra";'), false);
    assert.equal(sourceImportsAssetline("// assetline is a nice tool"), false);
  });
});
