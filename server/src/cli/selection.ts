import type { AnalysisSnapshot } from "../analysis";
import { resolveSelection } from "../model/selection";
import { UsageError } from "./errors";

/**
 * The keys a command's SELECTION names, in stable topological order. Every command resolves
 * selections here, so `graph --select`, `status` and `materialize` agree: bad syntax or a term
 * that matches nothing is a usage error (exit 2), with a pointer to the list of assets.
 */
export function selectedKeys(snapshot: AnalysisSnapshot, text: string, dir: string): string[] {
  const selected = resolveSelection(snapshot.graph, text);
  if (selected.ok) return selected.keys;
  const hint = selected.unmatched.length > 0 ? `; \`assetline graph ${dir} --format text\` lists the assets` : "";
  throw new UsageError(`${selected.error}${hint}`);
}
