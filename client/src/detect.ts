/**
 * Whether a workspace uses Assetline, so the extension never starts a language server in
 * a TypeScript project that has nothing to do with it. Pure functions, no vscode import.
 */

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] as const;

/** True when a package.json is the assetline package itself or depends on it. */
export function packageUsesAssetline(packageJsonText: string): boolean {
  let manifest: unknown;
  try {
    manifest = JSON.parse(packageJsonText);
  } catch {
    return false; // a broken package.json says nothing either way
  }
  if (typeof manifest !== "object" || manifest === null) return false;
  const record = manifest as Record<string, unknown>;
  if (record.name === "assetline") return true;
  return DEPENDENCY_FIELDS.some((field) => {
    const deps = record[field];
    return typeof deps === "object" && deps !== null && Object.prototype.hasOwnProperty.call(deps, "assetline");
  });
}

const IMPORT_FROM_ASSETLINE =
  /\bfrom\s*["']assetline["']|\bimport\s*\(\s*["']assetline["']\s*\)|\brequire\s*\(\s*["']assetline["']\s*\)/;

/** True when a source text imports the assetline module (any import form). */
export function sourceImportsAssetline(text: string): boolean {
  return text.includes("assetline") && IMPORT_FROM_ASSETLINE.test(text);
}
