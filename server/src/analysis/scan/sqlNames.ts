import { ownString, StringPool } from "../flatStrings";

/**
 * Table and column names from SQL, as facts keep them: strings of their own (a name cut from a
 * SQL text would keep the text alive), one string per distinct name across the workspace's
 * facts. A lookup costs less than a copy, and a workspace names far fewer tables and columns
 * than it mentions (~190,000 mentions of ~20,000 names at 3,000 files).
 */
/** Past this many names (typing in the editor invents new ones), start over: sharing is only a saving. */
const MAX_NAMES = 100_000;
const names = new StringPool(MAX_NAMES);
const tableResources = new Map<string, string>();
let lastName = "";
let lastResource: `table:${string}` = "table:";

/** `name` as a string of its own, the same string for every fact that names it. */
export function ownedName(name: string): string {
  return names.intern(name);
}

/** The resource id `table:<name>` of an owned name (ownedName's, or the fast SQL path's), one string per name. */
export function tableResource(name: string): `table:${string}` {
  // A SQL text mostly names its written table twice in a row (`drop table x; create table x`).
  if (name === lastName) return lastResource;
  let resource = tableResources.get(name);
  if (resource === undefined) {
    if (tableResources.size >= MAX_NAMES) tableResources.clear();
    resource = ownString(`table:${name}`);
    tableResources.set(name, resource);
  }
  lastName = name;
  lastResource = resource as `table:${string}`;
  return lastResource;
}
