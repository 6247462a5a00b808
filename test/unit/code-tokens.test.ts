import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ts } from "ts-morph";
import { tokenBytes } from "../../server/src/analysis/codeTokens";
import { tokenTexts } from "../../server/src/analysis/codeVersion";

const ROOT = join(__dirname, "..", "..");
/** A second in `npm test`; ASSETLINE_TOKEN_FUZZ_SECONDS for a longer hunt. */
const FUZZ_MS = 1000 * Number(process.env.ASSETLINE_TOKEN_FUZZ_SECONDS ?? 1);

interface Tally {
  spans: number;
  fellBack: number;
}

/**
 * The fast bytes must be TypeScript's scanner's tokens, joined and UTF-8 encoded as a string is
 * hashed, or undefined (the scanner is asked then).
 */
function compare(text: string, start: number, end: number, where: string, tally: Tally): void {
  tally.spans++;
  const fast = tokenBytes(text, start, end);
  if (fast === undefined) {
    tally.fellBack++;
    return;
  }
  const reference = tokenTexts(text, start, end).join("\u0000");
  if (!Buffer.from(reference, "utf8").equals(fast)) {
    assert.fail(
      `${where} [${start}, ${end}): ${JSON.stringify(text.slice(start, end))}\nfast: ${JSON.stringify(Buffer.from(fast).toString("utf8"))}\nts:   ${JSON.stringify(reference)}`,
    );
  }
}

/** The whole file, every top-level statement and every call: what code versions hash. */
function compareFile(file: string, text: string, tally: Tally): void {
  compare(text, 0, text.length, file, tally);
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  for (const statement of sourceFile.statements)
    compare(text, statement.getStart(sourceFile), statement.end, file, tally);
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) compare(text, node.getStart(sourceFile), node.getEnd(), file, tally);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "node_modules" || entry.name === "generated" || entry.name.startsWith(".")) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return /\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Corners of TypeScript's scanner: each must either agree or fall back. */
const CORNERS = [
  "const re = /a'b/g; const s = 'x';",
  'const s = "unterminated\nnext line";',
  "const t = `a${b}c${`d${e}`}f`;",
  "const t = `${{ a: 1 }.a}`;",
  "const u = `unterminated ${x",
  "const n = [0, 1, 1.5, 3., 0.25, 1e3, 1_000, 0x1f, 0b1, 0o7, 07, 10n, 1..toString()];",
  "a ?. b; a?.b; a?.5:1; a ?? b; a ??= b; a ||= b; a &&= b; a **= 2; a >>>= 1; a >= b; a => b;",
  "const x = a! == b; const y = a !== b; x++ + ++y; x-- - --y; ...rest;",
  "<<<<<<< HEAD\nconst a = 1;\n=======\nconst a = 2;\n>>>>>>> branch\n",
  "class A { #secret = 1; get() { return this.#secret; } }",
  "const é = 'ü'; // ünïcödé\u2028const next = 1;",
  'const s = \'line \\\r\ncontinued\'; const d = "q\\"uote";',
  "/* unterminated comment",
  "const a = 1 /* inline */ + 2 // trailing\n;",
  "const t = `\\${not} ${yes} \\` still`;",
  "const \\u0061 = 1;",
  "const a = b\u00a0+ c;",
  "const s = '\\",
  "@decorator() class B {}",
  "type T = A<B<C>>; const x = y < z;",
  // Non-ASCII inside literals, short and long (Node encodes tokens of 64+ characters itself).
  "const s = 'é😀\ud800x\udc00'; const t = `\u2028${'\ud83d'}\ude00`;",
  `const q = "${"select é😀 \ud83d from t ".repeat(4)}"; const r = \`${"\udc00 😀 ".repeat(12)}\`;`,
];

/** Bytes that make TypeScript's scanner choose between readings. */
const FUZZ_PIECES = [
  "`",
  "${",
  "}",
  "{",
  "'",
  '"',
  "\\",
  "/",
  "*",
  "//",
  "/*",
  "*/",
  "\n",
  "\r\n",
  " ",
  "0",
  "1.",
  ".5",
  "e",
  "_",
  "x",
  "?",
  ".",
  "=",
  ">",
  "<",
  "!",
  "|",
  "&",
  "#",
  "é",
  "\u2028",
  "😀",
  "\ud83d",
  "\ude00",
  "ab".repeat(40),
  "=======\n",
  "<<<<<<< ",
];

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("code versions: the fast tokenizer reads what TypeScript's scanner reads", () => {
  it("on every TypeScript file of the repository and on the benchmark generator's files", async () => {
    const tally: Tally = { spans: 0, fellBack: 0 };
    for (const folder of ["server", "client", "sdk", "protocol", "webview", "test", "examples"]) {
      for (const file of typeScriptFiles(join(ROOT, folder)))
        compareFile(relative(ROOT, file), readFileSync(file, "utf8"), tally);
    }
    const { generateWorkspace } = (await import(join(ROOT, "bench", "analysis", "generate.mjs"))) as {
      generateWorkspace: (dir: string, files: number) => unknown;
    };
    const dir = mkdtempSync(join(tmpdir(), "assetline-code-tokens-"));
    const benchTally: Tally = { spans: 0, fellBack: 0 };
    try {
      generateWorkspace(dir, 40);
      for (const file of typeScriptFiles(join(dir, "src")))
        compareFile(relative(dir, file), readFileSync(file, "utf8"), benchTally);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    if (process.env.ASSETLINE_TOKEN_REPORT === "1")
      console.log(
        `      repository: ${tally.fellBack} of ${tally.spans} spans fell back; generated: ${benchTally.fellBack} of ${benchTally.spans}`,
      );
    assert.ok(tally.spans > 10_000, `only ${tally.spans} spans`);
    // The generator writes the code the analysis meets most: it must never need the scanner.
    assert.equal(benchTally.fellBack, 0, "a generated definition fell back to TypeScript's scanner");
  });

  it("on the scanner's corners, and the spans inside them", () => {
    const tally: Tally = { spans: 0, fellBack: 0 };
    for (const text of CORNERS) {
      for (let start = 0; start < text.length; start++) {
        for (let end = start + 1; end <= text.length; end++) compare(text, start, end, "corner", tally);
      }
    }
    assert.ok(tally.fellBack > 0 && tally.fellBack < tally.spans);
  });

  it("on random mixes of the characters that decide how it scans", () => {
    const random = seeded(Number(process.env.ASSETLINE_TOKEN_FUZZ_SEED ?? 20261201));
    const tally: Tally = { spans: 0, fellBack: 0 };
    const deadline = Date.now() + FUZZ_MS;
    while (Date.now() < deadline) {
      let text = "";
      const pieces = 1 + Math.floor(random() * 24);
      for (let i = 0; i < pieces; i++) {
        text +=
          random() < 0.3
            ? CORNERS[Math.floor(random() * CORNERS.length)]!.slice(0, 1 + Math.floor(random() * 12))
            : FUZZ_PIECES[Math.floor(random() * FUZZ_PIECES.length)]!;
      }
      const start = Math.floor(random() * text.length);
      compare(text, 0, text.length, "fuzz", tally);
      compare(text, start, start + Math.floor(random() * (text.length - start + 1)), "fuzz", tally);
    }
    assert.ok(tally.spans > 100);
  });
});
