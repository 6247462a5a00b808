import assert from "node:assert/strict";
import type { PlanStep } from "../../server/src/executor/planner";
import { advance, PlanGraph, runOutcome, type StepState } from "../../server/src/distributed/runState";

function step(id: string, waitsFor: string[] = [], extra: Partial<PlanStep> = {}): PlanStep {
  const [kind, key, check] = id.split(":");
  return {
    id,
    kind: kind as PlanStep["kind"],
    assetKey: key!,
    checkName: check,
    file: "src/x.ts",
    exportName: key,
    codeVersion: "v",
    blocking: false,
    parents: [],
    waitsFor,
    unrunnable: undefined,
    ...extra,
  };
}

// a → a:unique (blocking) → b → c;  d independent
const steps = [
  step("asset:a"),
  step("check:a:unique", ["asset:a"], { blocking: true }),
  step("asset:b", ["asset:a", "check:a:unique"]),
  step("asset:c", ["asset:b"]),
  step("asset:d"),
];

describe("distributed run state (runState.ts)", () => {
  it("starts with the steps that wait for nothing", () => {
    assert.deepEqual(
      new PlanGraph(steps).roots().map((s) => s.id),
      ["asset:a", "asset:d"],
    );
  });

  it("makes a step ready only once everything it waits for succeeded", () => {
    const graph = new PlanGraph(steps);
    const states = new Map<string, StepState>(steps.map((s) => [s.id, "pending"]));
    states.set("asset:a", "succeeded");
    assert.deepEqual(
      advance(graph, states, "asset:a").ready.map((s) => s.id),
      ["check:a:unique"],
    );
    states.set("check:a:unique", "succeeded");
    const next = advance(graph, states, "check:a:unique");
    assert.deepEqual(
      next.ready.map((s) => s.id),
      ["asset:b"],
    );
    assert.equal(states.get("asset:b"), "queued");
  });

  it("skips the whole downstream of a failed blocking check, with the local scheduler's words", () => {
    const graph = new PlanGraph(steps);
    const states = new Map<string, StepState>(steps.map((s) => [s.id, "pending"]));
    states.set("asset:a", "succeeded");
    states.set("check:a:unique", "failed");
    const { ready, skipped } = advance(graph, states, "check:a:unique");
    assert.deepEqual(ready, []);
    assert.deepEqual(
      skipped.map(({ step: s, reason }) => [s.id, reason]),
      [
        ["asset:b", "blocking check a:unique failed"],
        ["asset:c", "blocking check a:unique failed"],
      ],
    );
    states.set("asset:d", "succeeded");
    assert.deepEqual(runOutcome(graph, states, false), {
      status: "FAILURE",
      message: "1 failed (a:unique), 2 skipped",
    });
  });

  it("reads only the states a step's end can change", () => {
    const graph = new PlanGraph(steps);
    assert.deepEqual(graph.touchedBy("asset:d", true), ["asset:d"]);
    assert.deepEqual(graph.touchedBy("asset:a", true).sort(), ["asset:a", "asset:b", "check:a:unique"]);
    assert.deepEqual(graph.touchedBy("asset:a", false).sort(), ["asset:a", "asset:b", "asset:c", "check:a:unique"]);
  });

  it("ends a cancelled run CANCELED and a clean one SUCCESS", () => {
    const graph = new PlanGraph(steps);
    const done = new Map<string, StepState>(steps.map((s) => [s.id, "succeeded"]));
    assert.equal(runOutcome(graph, done, false).status, "SUCCESS");
    assert.equal(runOutcome(graph, done, true).status, "CANCELED");
  });
});
