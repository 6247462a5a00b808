import { readdirSync, readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { assertAgreed, compareScript, fallbackRate, newTally, sqlStringsIn } from "./support/sqlDifferential";
import { mutate, randomStatement, seeded } from "./support/sqlFuzz";

const ROOT = join(__dirname, "..", "..");
const CORPUS = join(ROOT, "test", "fixtures", "sql-corpus");
/** A few seconds in `npm test`; ASSETLINE_SQL_FUZZ_SECONDS=120 (and ASSETLINE_SQL_FUZZ_SEED) for a longer hunt. */
const FUZZ_MS = 1000 * Number(process.env.ASSETLINE_SQL_FUZZ_SECONDS ?? 3);
const FUZZ_SEED = Number(process.env.ASSETLINE_SQL_FUZZ_SEED ?? 20261201);

/** The generator's SQL repeats a few shapes; 30 files cover them in a second (ASSETLINE_SQL_BENCH_FILES for more). */
const BENCH_FILES = Number(process.env.ASSETLINE_SQL_BENCH_FILES ?? 30);

function report(label: string, line: string): void {
  if (process.env.ASSETLINE_SQL_FAST_PATH_REPORT === "1") console.log(`      ${label}: ${line}`);
}

describe("sql: the fast path agrees with sql-parser-cst statement by statement", () => {
  it("on the committed corpus of analytic SQL (test/fixtures/sql-corpus)", () => {
    for (const file of readdirSync(CORPUS).filter((name) => name.endsWith(".sql"))) {
      const tally = newTally();
      compareScript(readFileSync(join(CORPUS, file), "utf8"), tally, file);
      report(file, fallbackRate(tally));
      assertAgreed(tally);
    }
  });

  it("on every SQL string of the fixtures, the example and the SQL unit tests", () => {
    const folders = [join(ROOT, "test", "fixtures"), join(ROOT, "examples")];
    const unitTests = ["sql-extract.test.ts", "sql-columns.test.ts"].map((name) => join(ROOT, "test", "unit", name));
    for (const [label, strings] of [
      [
        "fixtures and example",
        folders.flatMap((folder) => sqlStringsIn(folder).filter((s) => !s.file.startsWith(CORPUS))),
      ],
      ["SQL unit tests", unitTests.flatMap((file) => sqlStringsIn(file))],
    ] as const) {
      const tally = newTally();
      for (const { file, sql } of strings) compareScript(sql, tally, relative(ROOT, file));
      report(label, fallbackRate(tally));
      assertAgreed(tally);
    }
  });

  it("on the benchmark generator's SQL", async () => {
    const { generateWorkspace } = (await import(join(ROOT, "bench", "analysis", "generate.mjs"))) as {
      generateWorkspace: (dir: string, files: number) => unknown;
    };
    const dir = mkdtempSync(join(tmpdir(), "assetline-fast-sql-"));
    try {
      generateWorkspace(dir, BENCH_FILES);
      const tally = newTally();
      for (const { file, sql } of sqlStringsIn(dir)) compareScript(sql, tally, relative(dir, file));
      report(`benchmark generator (${BENCH_FILES} files)`, fallbackRate(tally));
      assertAgreed(tally);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("on seeded random statements and mutations of the corpus (fuzzing)", () => {
    const random = seeded(FUZZ_SEED);
    const corpus = readdirSync(CORPUS)
      .filter((name) => name.endsWith(".sql"))
      .flatMap((name) => readFileSync(join(CORPUS, name), "utf8").split(/;\s*\n/));
    // Fallbacks are not classified here (unparsable stays negative): rejecting broken SQL is slow for sql-parser-cst.
    const generated = { ...newTally(), unparsable: -1 };
    const mutated = { ...newTally(), unparsable: -1 };
    const deadline = Date.now() + FUZZ_MS;
    for (let round = 0; Date.now() < deadline; round++) {
      const statement = randomStatement(random);
      compareScript(statement, generated, `generated #${round} (seed ${FUZZ_SEED})`, false);
      let mutant = corpus[Math.floor(random() * corpus.length)]!;
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) mutant = mutate(random, mutant);
      compareScript(mutant, mutated, `mutant #${round} (seed ${FUZZ_SEED})`, false);
      compareScript(mutate(random, statement), mutated, `generated mutant #${round} (seed ${FUZZ_SEED})`, false);
    }
    report("fuzz, generated", fallbackRate(generated));
    report("fuzz, mutated", fallbackRate(mutated));
    assertAgreed(generated);
    assertAgreed(mutated);
  }).timeout(FUZZ_MS + 60_000);
});
