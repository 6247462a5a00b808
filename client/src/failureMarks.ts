/**
 * Which failures the editor marks, and where: pure, from the graph the server reports (each
 * node's status carries its last error and the user's throwing line). No vscode import.
 */
import { URI } from "vscode-uri";
import type { LineageGraph } from "../../protocol/lineage";

export interface FailureMark {
  /** Stable for one failure: a new run's failure is a new mark, an edit dismisses the old one. */
  readonly id: string;
  readonly key: string;
  /** The file the mark is in (the throwing line's, else the definition's). */
  readonly uri: string;
  /** The definition's file: editing it also makes the mark stale. */
  readonly definitionUri: string;
  readonly line: number;
  readonly character: number;
  readonly message: string;
  readonly runId: string | undefined;
  /** Failed builds and blocking checks are errors; other checks, warnings. */
  readonly blocking: boolean;
}

/** `root` turns the server's workspace-relative paths into file URIs. */
export function failureMarks(graph: LineageGraph, root: string | undefined): FailureMark[] {
  const marks: FailureMark[] = [];
  for (const node of graph.nodes) {
    const status = node.status;
    if (!status || !node.location) continue;
    const error = status.state === "failed" ? status.lastError : undefined;
    if (error) {
      const at = error.location && root ? { uri: fileUri(root, error.location.file), ...error.location } : undefined;
      marks.push({
        id: `${error.runId}|${node.key}`,
        key: node.key,
        uri: at?.uri ?? node.location.uri,
        definitionUri: node.location.uri,
        line: at?.line ?? node.location.range.start.line,
        character: at?.character ?? node.location.range.start.character,
        message: `${node.key} failed in run ${error.runId}: ${error.message}`,
        runId: error.runId,
        blocking: true,
      });
    }
    for (const check of status.checks) {
      if (check.passed !== false) continue;
      const definition = node.checks.find((candidate) => candidate.name === check.name);
      if (!definition) continue;
      marks.push({
        id: `${check.evaluatedAt ?? 0}|${node.key}|${check.name}`,
        key: node.key,
        uri: definition.location.uri,
        definitionUri: definition.location.uri,
        line: definition.location.range.start.line,
        character: definition.location.range.start.character,
        message: `check ${check.name} of ${node.key} failed${definition.blocking ? " (blocking: downstream assets did not run)" : ""}`,
        runId: undefined,
        blocking: definition.blocking,
      });
    }
  }
  return marks;
}

/** A file URI spelled as VS Code spells it (vscode-uri is its implementation), so marks compare with document URIs. */
export function fileUri(root: string, relative: string): string {
  return URI.file(`${root.replace(/[\\/]+$/, "")}/${relative}`).toString();
}
