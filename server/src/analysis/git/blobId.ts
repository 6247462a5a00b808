import { createHash } from "node:crypto";

/**
 * The id git gives a blob with this content in a SHA-1 repository, computed without asking git:
 * the editor compares unsaved buffers against HEAD's blob ids this way. Never equal to a SHA-256
 * repository's ids, nor to a blob whose checkout filters (line endings, say) changed the text:
 * callers then read those files from git, as if they differed.
 */
export function gitBlobId(text: string): string {
  const content = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}
