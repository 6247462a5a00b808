/**
 * The impact overlay the host sends the lineage webview: which nodes a change touches and how.
 * Declared apart from the other webview messages so the overlay's shape and its validation
 * live in one place; `protocol/webview.ts` carries it in its messages.
 */

/** `breaking`: error colour (it will fail); `data`: warning colour (rebuild it); `changed`: modified colour (metadata only). */
export type ImpactTone = "breaking" | "data" | "changed";

export interface ImpactHighlight {
  readonly key: string;
  readonly tone: ImpactTone;
  /** The user changed this asset (drawn with a heavier outline); false for downstream impact. */
  readonly changed: boolean;
}

const TONES: ReadonlySet<string> = new Set<ImpactTone>(["breaking", "data", "changed"]);
const MAX_KEY = 4096;
const MAX_HIGHLIGHTS = 100_000;

/** Validates an overlay received from the other side; undefined when any entry is malformed. */
export function parseImpactHighlights(raw: unknown): ImpactHighlight[] | undefined {
  if (!Array.isArray(raw) || raw.length > MAX_HIGHLIGHTS) return undefined;
  const out: ImpactHighlight[] = [];
  for (const entry of raw) {
    if (typeof entry !== "object" || entry === null) return undefined;
    const { key, tone, changed } = entry as Record<string, unknown>;
    if (typeof key !== "string" || key === "" || key.length > MAX_KEY) return undefined;
    if (typeof tone !== "string" || !TONES.has(tone) || typeof changed !== "boolean") return undefined;
    out.push({ key, tone: tone as ImpactTone, changed });
  }
  return out;
}
