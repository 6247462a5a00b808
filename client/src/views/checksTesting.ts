/**
 * Checks in the Testing view: groups → assets → checks from the language server's graph.
 * Run evaluates them through the executor (Run with upstream materializes the asset and its
 * upstream first); results carry the duration and the failure at the check's location. Checks
 * evaluated elsewhere (the CLI, another window, a materialize) are reported as results too.
 */
import * as vscode from "vscode";
import type { LineageGraph, LineageNode } from "../../../protocol/lineage";
import { CancelRunRequest, LineageRequest, MaterializeRequest, RunChecksRequest } from "../../../protocol/methods";
import type { RunEventParams, RunStarted } from "../../../protocol/runs";
import { catalogGroups } from "../catalogGroups";
import type { Ctx } from "../ctx";

const CHECK_ID = (key: string, check: string): string => `check:${key}:${check}`;
const ASSET_ID = (key: string): string => `asset:${key}`;

export class ChecksTesting implements vscode.Disposable {
  private readonly controller = vscode.tests.createTestController("assetline.checks", "Assetline checks");
  private readonly disposables: vscode.Disposable[] = [this.controller];

  /** check id → the evaluation time last reported, so each outside evaluation is reported once. */
  private readonly reported = new Map<string, number>();
  private graph: LineageGraph | undefined;
  /** Disposed with the controller. */
  private readonly profiles: vscode.TestRunProfile[] = [];
  private readonly reloaded = new vscode.EventEmitter<void>();
  /** Fires after the items were replaced, and when the run profiles appear. */
  readonly onDidReload = this.reloaded.event;

  constructor(private readonly ctx: Ctx) {
    // Running a check executes the workspace's code: in Restricted Mode the view lists the checks
    // and their results but offers no Run, until the user grants trust (no reload needed).
    if (ctx.trusted) this.createRunProfiles();
    this.controller.refreshHandler = () => this.reload();
    this.disposables.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.createRunProfiles()),
      this.reloaded,
      ctx.onDidChangeGraph(() => void this.reload()),
      ctx.onDidChangeStatus(() => void this.reload()),
      ctx.onDidChangeState((state) => state.kind === "running" && void this.reload()),
    );
    void this.reload();
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  /** The labels of the run profiles offered, for tests. */
  get runProfiles(): string[] {
    return this.profiles.map((profile) => profile.label);
  }

  private createRunProfiles(): void {
    if (this.profiles.length > 0) return;
    this.profiles.push(
      this.controller.createRunProfile(
        "Run",
        vscode.TestRunProfileKind.Run,
        (request, token) => this.run(request, token, false),
        true,
      ),
      this.controller.createRunProfile(
        "Run with upstream materialize",
        vscode.TestRunProfileKind.Run,
        (request, token) => this.run(request, token, true),
        false,
      ),
    );
    this.reloaded.fire();
  }

  /** The check items' ids, for tests. */
  get checkIds(): string[] {
    const ids: string[] = [];
    const visit = (items: vscode.TestItemCollection): void =>
      items.forEach((item) => (item.id.startsWith("check:") ? ids.push(item.id) : visit(item.children)));
    visit(this.controller.items);
    return ids.sort();
  }

  private async reload(): Promise<void> {
    const state = this.ctx.state;
    if (state.kind !== "running") return;
    try {
      this.graph = await state.client.sendRequest(LineageRequest.type, {});
    } catch (error) {
      this.ctx.log.warn(
        `the Testing view could not read the graph: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    const groups = catalogGroups(this.graph, "group", "")
      .map((group) => ({ ...group, nodes: group.nodes.filter((node) => node.checks.length > 0) }))
      .filter((group) => group.nodes.length > 0);
    this.controller.items.replace(
      groups.map((group) => {
        const groupItem = this.controller.createTestItem(`group:${group.name}`, group.name);
        groupItem.children.replace(group.nodes.map((node) => this.assetItem(node)));
        return groupItem;
      }),
    );
    this.reportOutsideResults();
    this.reloaded.fire();
  }

  private assetItem(node: LineageNode): vscode.TestItem {
    const item = this.controller.createTestItem(
      ASSET_ID(node.key),
      node.key,
      node.location ? vscode.Uri.parse(node.location.uri) : undefined,
    );
    if (node.location) item.range = toRange(node.location.range);
    item.children.replace(
      node.checks.map((check) => {
        const child = this.controller.createTestItem(
          CHECK_ID(node.key, check.name),
          check.name,
          vscode.Uri.parse(check.location.uri),
        );
        child.range = toRange(check.location.range);
        child.description = check.blocking ? "blocking" : undefined;
        return child;
      }),
    );
    return item;
  }

  /** Evaluations the history has that no test run of this window reported: one run of results. */
  private reportOutsideResults(): void {
    const fresh: { item: vscode.TestItem; passed: boolean; at: number }[] = [];
    for (const node of this.graph?.nodes ?? []) {
      for (const check of node.status?.checks ?? []) {
        if (check.passed === undefined || check.evaluatedAt === undefined) continue;
        const id = CHECK_ID(node.key, check.name);
        if (this.reported.get(id) === check.evaluatedAt) continue;
        this.reported.set(id, check.evaluatedAt);
        const item = this.find(id);
        if (item) fresh.push({ item, passed: check.passed, at: check.evaluatedAt });
      }
    }
    if (fresh.length === 0) return;
    const run = this.controller.createTestRun(
      new vscode.TestRunRequest(fresh.map((entry) => entry.item)),
      "Checks evaluated by a run",
      false,
    );
    for (const { item, passed } of fresh) {
      if (passed) run.passed(item);
      else run.failed(item, this.failureMessage(item, `check ${item.label} failed`));
    }
    run.end();
  }

  private async run(
    request: vscode.TestRunRequest,
    token: vscode.CancellationToken,
    withUpstream: boolean,
  ): Promise<void> {
    const run = this.controller.createTestRun(request);
    try {
      // Run right after trust was granted, the server is restarting: the new one runs the checks.
      const state = await this.ctx.settled();
      if (state.kind !== "running") {
        const message = new vscode.TestMessage(
          `Assetline's language server is not running (${state.kind === "stopped" ? state.reason : "still starting"}); restart it and run again.`,
        );
        for (const target of this.targets(request)) for (const check of target.checks) run.errored(check, message);
        return;
      }
      for (const target of this.targets(request)) {
        if (token.isCancellationRequested) break;
        for (const check of target.checks) run.enqueued(check);
        let started: RunStarted;
        try {
          started = withUpstream
            ? await state.client.sendRequest(MaterializeRequest.type, { selection: target.key, withUpstream: true })
            : await state.client.sendRequest(RunChecksRequest.type, {
                key: target.key,
                ...(target.check ? { check: target.check } : {}),
              });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          for (const check of target.checks) run.errored(check, new vscode.TestMessage(message));
          continue;
        }
        run.appendOutput(`run ${started.runId}: ${started.selection}\r\n`);
        await this.follow(run, started.runId, token);
      }
    } finally {
      run.end();
    }
  }

  /** Reports a run's check steps as they happen; resolves at its end. */
  private follow(run: vscode.TestRun, runId: string, token: vscode.CancellationToken): Promise<void> {
    const startedAt = new Map<string, number>();
    return new Promise((resolve) => {
      const cancel = token.onCancellationRequested(() => {
        const state = this.ctx.state;
        if (state.kind === "running")
          void state.client.sendRequest(CancelRunRequest.type, { runId }).catch(() => undefined);
      });
      this.ctx.runs.follow(runId, {
        onEvent: (event: RunEventParams) => {
          if (!event.assetKey || !event.checkName) return;
          const id = CHECK_ID(event.assetKey, event.checkName);
          const item = this.find(id);
          if (!item) return;
          const took = (): number | undefined => (startedAt.has(id) ? event.ts - startedAt.get(id)! : undefined);
          switch (event.type) {
            case "STEP_STARTED":
              startedAt.set(id, event.ts);
              run.started(item);
              break;
            case "CHECK_EVALUATION":
              this.reported.set(id, event.ts);
              if (event.passed) run.passed(item, took());
              else
                run.failed(item, this.failureMessage(item, event.message ?? `check ${event.checkName} failed`), took());
              break;
            case "STEP_FAILURE":
              run.errored(item, this.failureMessage(item, event.message ?? "the check threw"), took());
              break;
            case "STEP_SKIPPED":
              run.skipped(item);
              break;
            default:
              break;
          }
        },
        onFinished: () => {
          cancel.dispose();
          resolve();
        },
      });
    });
  }

  private failureMessage(item: vscode.TestItem, text: string): vscode.TestMessage {
    const message = new vscode.TestMessage(text);
    if (item.uri && item.range) message.location = new vscode.Location(item.uri, item.range);
    return message;
  }

  /** What a request asks for, per asset: one request to the server each. */
  private targets(
    request: vscode.TestRunRequest,
  ): { key: string; check: string | undefined; checks: vscode.TestItem[] }[] {
    // By id: the items may have been replaced since the request was made (a reload after a restart).
    const roots: vscode.TestItem[] = request.include ? request.include.map((item) => this.find(item.id) ?? item) : [];
    if (!request.include) this.controller.items.forEach((item) => roots.push(item));
    const excluded = new Set((request.exclude ?? []).map((item) => item.id));
    const targets: { key: string; check: string | undefined; checks: vscode.TestItem[] }[] = [];
    const add = (item: vscode.TestItem): void => {
      if (excluded.has(item.id)) return;
      if (item.id.startsWith("group:")) return item.children.forEach(add);
      if (item.id.startsWith("asset:")) {
        const checks: vscode.TestItem[] = [];
        item.children.forEach((child) => void (excluded.has(child.id) || checks.push(child)));
        targets.push({ key: item.id.slice("asset:".length), check: undefined, checks });
        return;
      }
      const asset = item.parent;
      if (asset) targets.push({ key: asset.id.slice("asset:".length), check: String(item.label), checks: [item] });
    };
    roots.forEach(add);
    return targets;
  }

  private find(id: string): vscode.TestItem | undefined {
    let found: vscode.TestItem | undefined;
    const visit = (items: vscode.TestItemCollection): void =>
      items.forEach((item) => {
        if (found) return;
        if (item.id === id) found = item;
        else visit(item.children);
      });
    visit(this.controller.items);
    return found;
  }
}

function toRange(range: {
  start: { line: number; character: number };
  end: { line: number; character: number };
}): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}
