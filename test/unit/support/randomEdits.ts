/**
 * Seeded random edits to an in-memory workspace, the kinds a user makes while the language
 * server re-analyses: SQL keystrokes, deps added, broken and dropped, keys renamed and
 * duplicated, cycles, files deleted, restored and created, syntax errors, barrel and helper
 * edits. The same seed gives the same edits, so a failure can be replayed.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isAnalysableFile, type SourceReader } from "../../../server/src/analysis";

/** One edit: a file's new text, or undefined when the edit deletes it. */
export interface Edit {
  readonly label: string;
  readonly file: string;
  readonly text: string | undefined;
}

export interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(list: readonly T[]): T | undefined;
}

/** Mulberry32: small, fast, and the same sequence on every machine. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (list) => list[Math.floor(next() * list.length)] };
}

/** A workspace held in memory: the analysis reads the map, edits change it. */
export class MemoryReader implements SourceReader {
  constructor(
    readonly root: string,
    readonly files: Map<string, string>,
  ) {}

  listFiles(): string[] {
    return [...this.files.keys()].filter((file) => isAnalysableFile(file)).sort();
  }

  readFile(file: string): string | undefined {
    return this.files.get(file);
  }
}

/** The analysable files under `root` (no node_modules, no dot folders), by workspace path. */
export function loadTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (relative: string): void => {
    for (const name of readdirSync(join(root, relative))) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const path = relative ? `${relative}/${name}` : name;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (isAnalysableFile(path)) files.set(path, readFileSync(join(root, path), "utf8"));
    }
  };
  walk("");
  return files;
}

type MakeEdit = () => readonly [string, string | undefined] | undefined;

/** Returns a function giving the next random edit of `files` (which the caller applies). */
export function randomEditor(files: Map<string, string>, rng: Rng): () => Edit {
  const removed = new Map<string, string>();
  const text = (file: string): string => files.get(file)!;
  const allKeys = (): string[] => {
    const keys: string[] = [];
    for (const source of files.values())
      for (const match of source.matchAll(/export const (\w+) = /g)) keys.push(match[1]!);
    return keys;
  };
  const pickKey = (): string => rng.pick(allKeys()) ?? "nothing";
  const replaceAt = (source: string, index: number, length: number, insert: string): string =>
    source.slice(0, index) + insert + source.slice(index + length);
  const occurrences = (source: string, needle: string): number[] => {
    const found: number[] = [];
    for (let i = source.indexOf(needle); i >= 0; i = source.indexOf(needle, i + 1)) found.push(i);
    return found;
  };
  const assetFile = (): string | undefined =>
    rng.pick([...files.keys()].filter((file) => text(file).includes("deps: [")));
  const anyFile = (): string | undefined => rng.pick([...files.keys()]);
  /** An edit inserting at a random occurrence of `needle` in a random asset file. */
  const insertAt =
    (needle: string, offset: number, insert: () => string): MakeEdit =>
    () => {
      const file = assetFile();
      if (file === undefined) return undefined;
      const at = rng.pick(occurrences(text(file), needle));
      return at === undefined ? undefined : [file, replaceAt(text(file), at + offset, 0, insert())];
    };

  const edits: ReadonlyArray<readonly [string, MakeEdit]> = [
    ["sql keystroke", insertAt(" select", 7, () => ` k${rng.int(100)},`)],
    ["add string dep", insertAt("deps: [", 7, () => `"${pickKey()}", `)],
    ["add missing dep", insertAt("deps: [", 7, () => `"${pickKey()}x", `)],
    [
      "drop first dep",
      () => {
        const file = assetFile();
        if (file === undefined) return undefined;
        const source = text(file);
        const at = rng.pick(occurrences(source, "deps: ["))!;
        const end = source.indexOf("]", at);
        const comma = source.indexOf(",", at);
        return [file, replaceAt(source, at + 7, (comma > 0 && comma < end ? comma + 1 : end) - at - 7, "")];
      },
    ],
    [
      "rename const",
      () => {
        const file = anyFile();
        if (file === undefined) return undefined;
        const match = rng.pick([...text(file).matchAll(/export const (\w+) = /g)]);
        if (match === undefined) return undefined;
        return [file, replaceAt(text(file), match.index + 13, match[1]!.length, `${match[1]}_r${rng.int(9)}`)];
      },
    ],
    [
      "duplicate key",
      () => {
        const file = assetFile();
        if (file === undefined) return undefined;
        const at = text(file).indexOf("deps: [");
        return [file, replaceAt(text(file), at, 0, `name: "${pickKey()}",\n    `)];
      },
    ],
    [
      "make a cycle",
      () => {
        const file = assetFile();
        if (file === undefined) return undefined;
        const own = [...text(file).matchAll(/export const (\w+) = /g)].map((match) => match[1]!);
        const at = text(file).indexOf("deps: [");
        return [file, replaceAt(text(file), at + 7, 0, `"${rng.pick(own)}", `)];
      },
    ],
    [
      "delete file",
      () => {
        const file = anyFile();
        if (file === undefined) return undefined;
        removed.set(file, text(file));
        return [file, undefined];
      },
    ],
    [
      "restore file",
      () => {
        const file = rng.pick([...removed.keys()]);
        if (file === undefined) return undefined;
        const source = removed.get(file)!;
        removed.delete(file);
        return [file, source];
      },
    ],
    [
      "new file",
      () => {
        const n = rng.int(1e6);
        return [
          `src/new_${n}.ts`,
          `import { asset } from "assetline";\n` +
            `export const fresh_${n} = asset({ deps: ["${pickKey()}"] }, (ctx) => {\n` +
            `  ctx.db.exec("create table fresh_${n} as select * from ${pickKey()}");\n});\n`,
        ];
      },
    ],
    [
      "syntax error",
      () => {
        const file = anyFile();
        if (file === undefined) return undefined;
        return [file, replaceAt(text(file), rng.int(text(file).length), 0, "{{ (")];
      },
    ],
    [
      "delete a line",
      () => {
        const file = anyFile();
        if (file === undefined) return undefined;
        const lines = text(file).split("\n");
        lines.splice(rng.int(lines.length), 1);
        return [file, lines.join("\n")];
      },
    ],
    [
      "duplicate a line",
      () => {
        const file = anyFile();
        if (file === undefined) return undefined;
        const lines = text(file).split("\n");
        const i = rng.int(lines.length);
        lines.splice(i, 0, lines[i]!);
        return [file, lines.join("\n")];
      },
    ],
    [
      "touch helper or barrel",
      () => {
        const file = rng.pick([...files.keys()].filter((each) => each.includes("util") || each.includes("lib/")));
        if (file === undefined) return undefined;
        const choice = rng.int(3);
        if (choice === 0) return [file, text(file).replace("return", "return /* x */ (0, ").replace(/;\n/, ");\n")];
        if (choice === 1) return [file, text(file).replace(/export \{ asset, /, "export { ")];
        return [file, `${text(file)}\nexport const extra_${rng.int(1e6)} = 1;\n`];
      },
    ],
    [
      "rename a suggested key",
      () => {
        // A missing dep "keyx" suggests "key": renaming "key" must change the suggestion.
        const keys = new Set(allKeys());
        const suggested: string[] = [];
        for (const source of files.values())
          for (const match of source.matchAll(/"(\w+)x"/g)) if (keys.has(match[1]!)) suggested.push(match[1]!);
        const key = rng.pick(suggested);
        if (key === undefined) return undefined;
        const file = [...files.keys()].find((each) => text(each).includes(`export const ${key} = `))!;
        return [file, text(file).replace(`export const ${key} = `, `export const ${key}_renamed = `)];
      },
    ],
    [
      "undeclared read",
      () => {
        const file = assetFile();
        if (file === undefined) return undefined;
        const at = text(file).indexOf("ctx.db.exec(");
        if (at < 0) return undefined;
        return [file, replaceAt(text(file), at, 0, `ctx.db.prepare("select count(*) from ${pickKey()}").get();\n    `)];
      },
    ],
  ];

  return () => {
    for (;;) {
      const [label, make] = rng.pick(edits)!;
      // An edit with nothing to apply to (no asset file left, say) gives undefined: pick another.
      const edit = make();
      if (edit) return { label, file: edit[0], text: edit[1] };
    }
  };
}
