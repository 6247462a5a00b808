import { strict as assert } from "node:assert";
import { DEFAULT_SETTINGS, readSettings } from "../../protocol";

/** Settings arrive as user JSON: every field is checked, and anything odd falls back to its default. */
describe("protocol: settings", () => {
  it("gives the defaults for nothing, garbage and wrong types", () => {
    for (const raw of [
      undefined,
      null,
      42,
      "x",
      [],
      { analysis: "fast" },
      { codeLens: { enabled: "yes" } },
      // Only `true` turns unattended runs on.
      { automation: { enabled: "true", tickSeconds: "5" } },
      { automation: { enabled: 1 } },
    ]) {
      assert.deepEqual(readSettings(raw), DEFAULT_SETTINGS);
    }
  });

  it("keeps valid values and clamps numbers to their range", () => {
    const settings = readSettings({
      analysis: { debounceMs: 120.4, maxFileKilobytes: 1 },
      status: { pollIntervalMs: 10_000_000 },
      codeLens: { enabled: false },
      automation: { enabled: true, tickSeconds: 0.01 },
      server: { path: "/opt/assetline", nodePath: 7 },
    });
    assert.deepEqual(settings, {
      analysis: { debounceMs: 120, maxFileKilobytes: 16 },
      status: { pollIntervalMs: 600_000 },
      codeLens: { enabled: false },
      automation: { enabled: true, tickSeconds: 0.1 },
      server: { path: "/opt/assetline", nodePath: "" },
    });
  });
});
