/**
 * A narrow, strict parser for the statement shapes analytic code is made of, over the tokens
 * sqlTokens.ts already produced. It builds no tree: as it reads, it notes the tables, CTE names,
 * FROM sources and column names the CST path's walkers (cstTables.ts, cstColumns.ts) would find
 * in sql-parser-cst's tree, and fastFacts.ts turns those notes into the same answer.
 *
 * It accepts only what it is sure sql-parser-cst accepts too: anything it does not model (an
 * unknown keyword, a reserved word as a name, dialect syntax, unbalanced parentheses) throws
 * NOT_CERTAIN and the statement goes to the full parser. test/unit/sql-fast-path.test.ts holds
 * it to the CST path, statement by statement, on several corpora and a fuzzer.
 *
 * The parser is four layers: the token cursor with its notes (fastCursor.ts, fastFacts.ts),
 * expressions (fastExpressions.ts), queries (fastQueries.ts), and statements here.
 */

import { CLOSE, COMMA, NOT_CERTAIN, OPEN } from "./fastCursor";
import type { FastStatementTables } from "./fastFacts";
import { FastQueryParser } from "./fastQueries";
import { IS_TYPE } from "./sqlKeywords";
import type { SqlTokenList } from "./sqlTokens";

export { NOT_CERTAIN } from "./fastCursor";

const OR_ACTIONS = new Set(["replace", "ignore", "abort", "fail", "rollback"]);

/** Reads tokens [first, end) as one statement; offsets are relative to `base`. Throws NOT_CERTAIN. */
export function parseFastStatement(
  tokens: SqlTokenList,
  first: number,
  end: number,
  base: number,
): FastStatementTables {
  return parser.statement(tokens, first, end, base);
}

class FastParser extends FastQueryParser {
  statement(tokens: SqlTokenList, first: number, end: number, base: number): FastStatementTables {
    this.start(tokens, first, end, base);
    this.wantOutput = false;
    this.statementBody();
    if (this.i !== this.end) throw NOT_CERTAIN;
    return this.facts.finish();
  }

  private statementBody(): void {
    switch (this.word()) {
      case "select":
        return this.select();
      case "with": {
        // A WITH before INSERT, UPDATE or DELETE hides table reads, but the column walker does not know its names.
        const withClause = this.withClause();
        const next = this.word();
        if (next === "select") return this.select(withClause);
        if (next === "insert" || next === "replace") return this.insert();
        if (next === "update") return this.update();
        if (next === "delete") return this.delete();
        throw NOT_CERTAIN;
      }
      case "create":
        return this.create();
      case "insert":
      case "replace":
        return this.insert();
      case "update":
        return this.update();
      case "delete":
        return this.delete();
      case "drop":
        return this.drop();
      default:
        throw NOT_CERTAIN;
    }
  }

  // --- statements ---

  /** A written table's dotted name: noted as a write; its normalised name. */
  private writtenTable(): string {
    const first = this.dottedName();
    const last = this.i - 1;
    const name = this.tableNameOf(first);
    this.facts.write(name, this.starts[first]! - this.base, this.ends[last]! - this.base);
    return name;
  }

  private create(): void {
    this.expectWord("create");
    if (this.word() === "temp" || this.word() === "temporary") this.i++;
    const kind = this.word();
    if (kind !== "table" && kind !== "view") throw NOT_CERTAIN;
    this.i++;
    this.ifExists(true);
    const table = this.writtenTable();
    if (kind === "view") {
      let listed: string[] | undefined;
      if (this.isPunct(OPEN)) this.nameList((listed = []));
      this.expectWord("as");
      this.facts.defines(table, listed);
      this.wantOutput = true;
      return this.select();
    }
    if (this.word() === "as") {
      this.i++;
      this.facts.defines(table, undefined);
      this.wantOutput = true;
      return this.select();
    }
    this.facts.defines(table, this.columnDefinitions());
  }

  /** `(name type constraints, …)`: the names, lower-case. */
  private columnDefinitions(): string[] {
    this.expectPunct(OPEN);
    const names: string[] = [];
    do {
      names.push(this.lowerName(this.name()));
      if (this.isKeywordAt(this.i, IS_TYPE)) this.dataType();
      this.columnConstraints();
    } while (this.acceptPunct(COMMA));
    this.expectPunct(CLOSE);
    return names;
  }
  private columnConstraints(): void {
    for (;;) {
      const word = this.word();
      if (word === "primary") {
        this.i++;
        this.expectWord("key");
        if (this.word() === "asc" || this.word() === "desc") this.i++;
        if (this.word() === "autoincrement") this.i++;
      } else if (word === "not") {
        this.i++;
        this.expectWord("null");
      } else if (word === "unique") {
        this.i++;
      } else if (word === "default") {
        this.i++;
        if (this.isOperator("-")) this.i++;
        this.literal();
      } else {
        return;
      }
    }
  }

  private insert(): void {
    if (this.word() === "replace") {
      this.i++;
    } else {
      this.expectWord("insert");
      if (this.word() === "or") {
        this.i++;
        if (!OR_ACTIONS.has(this.word() ?? "")) throw NOT_CERTAIN;
        this.i++;
      }
    }
    this.expectWord("into");
    const table = this.writtenTable();
    if (this.isPunct(OPEN)) {
      const listed: string[] = [];
      this.nameList(listed);
      this.facts.defines(table, listed);
    }
    const next = this.word();
    if (next === "select" || next === "with") this.select(next === "with" ? this.withClause() : undefined);
    else if (next === "values") this.values();
    else throw NOT_CERTAIN;
  }

  private values(): void {
    this.expectWord("values");
    do {
      this.expectPunct(OPEN);
      this.expressionList();
      this.expectPunct(CLOSE);
    } while (this.acceptPunct(COMMA));
  }

  private update(): void {
    this.expectWord("update");
    if (this.word() === "or") {
      this.i++;
      if (!OR_ACTIONS.has(this.word() ?? "")) throw NOT_CERTAIN;
      this.i++;
    }
    this.writtenTable();
    this.expectWord("set");
    do {
      this.name();
      this.expectOperator("=");
      this.expression();
    } while (this.acceptPunct(COMMA));
    if (this.word() === "from") this.fromClause(undefined);
    if (this.word() === "where") this.whereClause();
  }

  private delete(): void {
    this.expectWord("delete");
    this.expectWord("from");
    this.writtenTable();
    if (this.word() === "where") this.whereClause();
  }

  private drop(): void {
    this.expectWord("drop");
    const kind = this.word();
    if (kind !== "table" && kind !== "view") throw NOT_CERTAIN;
    this.i++;
    this.ifExists(false);
    this.writtenTable();
  }

  private ifExists(not: boolean): void {
    if (this.word() !== "if") return;
    this.i++;
    if (not) this.expectWord("not");
    this.expectWord("exists");
  }
}

/** The one parser: statements are read one at a time, and a parser per statement cost more than its reading. */
const parser = new FastParser();
