/**
 * Links into the editor, for alerts and chat messages: the CLI prints them, the extension's
 * UriHandler opens them. `vscode://assetline.assetline/asset?key=marts/orders&check=name&run=id`
 * opens the asset's definition (or its check's), and the run when one is named.
 */

/** The extension's id (publisher.name), the authority of every link. */
export const EXTENSION_ID = "assetline.assetline";

/** The one path links use. */
export const ASSET_LINK_PATH = "/asset";

export interface AssetLink {
  readonly key: string;
  readonly check?: string;
  readonly run?: string;
}

/** A link to an asset (its check, its run), for the editor whose URI scheme is `scheme`. */
export function assetLink(link: AssetLink, scheme = "vscode"): string {
  const query = [`key=${encodeURIComponent(link.key).replace(/%2F/g, "/")}`];
  if (link.check !== undefined) query.push(`check=${encodeURIComponent(link.check)}`);
  if (link.run !== undefined) query.push(`run=${encodeURIComponent(link.run)}`);
  return `${scheme}://${EXTENSION_ID}${ASSET_LINK_PATH}?${query.join("&")}`;
}

/**
 * The link a path and query describe, or why it is not one, in the user's words. The query
 * arrives decoded or not depending on who opened the link, so values are decoded once here.
 */
export function parseAssetLink(
  path: string,
  query: string,
): { ok: true; link: AssetLink } | { ok: false; error: string } {
  if (path !== ASSET_LINK_PATH)
    return {
      ok: false,
      error: `Assetline links look like …${ASSET_LINK_PATH}?key=KEY; this one has the path "${path}"`,
    };
  const values = new Map<string, string>();
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const at = pair.indexOf("=");
    const name = at === -1 ? pair : pair.slice(0, at);
    const raw = at === -1 ? "" : pair.slice(at + 1);
    let value: string;
    try {
      value = decodeURIComponent(raw.replace(/\+/g, " "));
    } catch {
      value = raw;
    }
    values.set(name, value.trim());
  }
  const key = values.get("key");
  if (!key) return { ok: false, error: "the Assetline link names no asset (it needs ?key=KEY)" };
  const check = values.get("check") || undefined;
  const run = values.get("run") || undefined;
  return { ok: true, link: { key, ...(check ? { check } : {}), ...(run ? { run } : {}) } };
}
