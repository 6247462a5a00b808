// A synthetic workspace for the LSP benchmark when bench/analysis/generate.mjs is absent:
// `files` files of one asset each (every 10th a source), deps by reference and by string,
// SQL reading the upstream tables, a check on every 5th asset. Deterministic.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Writes the workspace into `root` (emptied first); returns the relative paths of the asset files. */
export function generateWorkspace(root, files = 3000) {
  rmSync(root, { recursive: true, force: true });
  const written = [];
  for (let i = 0; i < files; i++) {
    const group = `g${Math.floor(i / 100)}`;
    const folder = join(root, "src", group);
    mkdirSync(folder, { recursive: true });
    const name = `asset_${i}`;
    const path = `src/${group}/${name}.ts`;
    written.push(path);
    if (i % 10 === 0) {
      writeFileSync(
        join(root, path),
        `import { source } from "assetline";\n\nexport const ${name} = source({ description: "External data ${i}" });\n`,
      );
      continue;
    }
    const upstream = [i - 1, i - 7 > 0 ? i - 7 : undefined].filter((n) => n !== undefined && n >= 0);
    const byReference = upstream[0];
    const importLine =
      byReference === undefined ? "" : `import { asset_${byReference} } from "${relative(group, byReference)}";\n`;
    const deps = upstream.map((n, index) => (index === 0 ? `asset_${n}` : `"asset_${n}"`)).join(", ");
    const reads = upstream.map((n) => `asset_${n}`);
    const check =
      i % 5 === 0
        ? `\nexport const ${name}_not_empty = check(${name}, { name: "not_empty" }, (ctx) => ({\n  passed: ctx.db.prepare("select count(*) n from ${name}").get().n > 0,\n}));\n`
        : "";
    writeFileSync(
      join(root, path),
      `import { asset${check ? ", check" : ""} } from "assetline";\n${importLine}
export const ${name} = asset(
  {
    deps: [${deps}],
    group: "${group}",
    owners: ["team:t${i % 7}"],
    kinds: ["sqlite"],
    description: "Asset number ${i}",
  },
  (ctx) => {
    ctx.db.exec(\`create table ${name} as select a.id, a.value from ${reads[0]} a${reads[1] ? ` join ${reads[1]} b on a.id = b.id` : ""}\`);
  },
);
${check}`,
    );
  }
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "bench-workspace", private: true }));
  return written;
}

function relative(group, n) {
  const target = `g${Math.floor(n / 100)}`;
  return target === group ? `./asset_${n}` : `../${target}/asset_${n}`;
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? "bench/lsp/generated";
  const count = Number(process.argv[3] ?? 3000);
  console.log(`${generateWorkspace(root, count).length} files written to ${root}`);
}
