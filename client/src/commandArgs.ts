/**
 * Command arguments arrive from CodeLenses (the server's JSON), from other extensions and from
 * the palette (none at all). They are checked here once; undefined means "ask the user".
 */
import type { AssetCommandArgs, RunChecksCommandArgs, ShowLineageCommandArgs } from "../../protocol/commands";

const MAX_KEY = 1024;

export function parseAssetArgs(raw: unknown): AssetCommandArgs | undefined {
  const key = keyOf(raw);
  return key === undefined ? undefined : { key };
}

export function parseRunChecksArgs(raw: unknown): RunChecksCommandArgs | undefined {
  const key = keyOf(raw);
  if (key === undefined) return undefined;
  const check = (raw as { check?: unknown }).check;
  return typeof check === "string" && check !== "" && check.length <= MAX_KEY ? { key, check } : { key };
}

export function parseLineageArgs(raw: unknown): ShowLineageCommandArgs {
  if (typeof raw !== "object" || raw === null) return {};
  const { focus, highlight } = raw as { focus?: unknown; highlight?: unknown };
  const keys = Array.isArray(highlight)
    ? highlight.filter((key): key is string => typeof key === "string" && key.length <= MAX_KEY)
    : [];
  return {
    ...(typeof focus === "string" && focus !== "" && focus.length <= MAX_KEY ? { focus } : {}),
    ...(keys.length > 0 ? { highlight: keys } : {}),
  };
}

/** `{ runId }`, for "Show Run". */
export function parseRunArgs(raw: unknown): { readonly runId: string } | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const runId = (raw as { runId?: unknown }).runId;
  return typeof runId === "string" && /^[A-Za-z0-9_-]{1,128}$/.test(runId) ? { runId } : undefined;
}

function keyOf(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const key = (raw as { key?: unknown }).key;
  return typeof key === "string" && key !== "" && key.length <= MAX_KEY ? key : undefined;
}
