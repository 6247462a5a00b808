/**
 * Queries for the fast SQL parser (fastParser.ts): WITH, compound SELECTs, SELECT lists and
 * FROM with joins, subqueries and table-valued functions. Besides the tokens it reads, each
 * query keeps the context the CST path's column walker would have at that point of the tree
 * (which query a name belongs to, which one a subquery correlates with, which WITH names are
 * CTEs, which WITH bodies repeat) and notes sources and output columns (fastFacts.ts).
 */

import { CLOSE, COMMA, DOT, NOT_CERTAIN, OPEN } from "./fastCursor";
import type { ColumnScope, CteChain, CteClause, OutputItem } from "./fastFacts";
import { FastExpressionParser, NOT_A_NAME } from "./fastExpressions";

const STAR = 42;

export abstract class FastQueryParser extends FastExpressionParser {
  /** Set by CREATE … AS for its query: the first arm's SELECT list gives the table's columns. */
  protected wantOutput = false;

  /**
   * A WITH clause, read where it stands (its bodies correlate with what a query here would).
   * From here on its names hide table reads; a query that takes it as its own (`select(given)`)
   * makes them CTEs for its columns too. Returns the chain a query owning it sees CTEs through.
   */
  protected withClause(): CteChain {
    this.expectWord("with");
    if (this.word() === "recursive") this.i++;
    const clause: CteClause = { names: new Set(), adopted: false, arms: 1 };
    const ctes: CteChain = { clause, parent: this.ctes };
    const walks: CteChain = { clause, parent: this.walks };
    this.frame = { clause, parent: this.frame };
    const outerCtes = this.ctes;
    const outerWalks = this.walks;
    const outerScope = this.scope;
    do {
      clause.names.add(this.lowerName(this.name()));
      if (this.isPunct(OPEN)) this.nameList();
      this.expectWord("as");
      if (this.word() === "not") this.i++;
      if (this.word() === "materialized") this.i++;
      else if (this.wordAt(this.i - 1) === "not") throw NOT_CERTAIN;
      this.expectPunct(OPEN);
      this.ctes = ctes;
      this.walks = walks;
      this.scope = undefined;
      this.select();
      this.ctes = outerCtes;
      this.walks = outerWalks;
      this.scope = outerScope;
      this.expectPunct(CLOSE);
    } while (this.acceptPunct(COMMA));
    return ctes;
  }

  /** A full query: [WITH] core (set-op core)* [ORDER BY] [LIMIT]; WITH sits on the leftmost arm, ORDER BY on the last. */
  protected select(given?: CteChain): void {
    const outer = this.outer;
    const ctes = this.ctes;
    const frame = this.frame;
    const scope = this.scope;
    const wantOutput = this.wantOutput;
    this.wantOutput = false;
    const withClause = given ?? (this.word() === "with" ? this.withClause() : undefined);
    if (withClause !== undefined) withClause.clause.adopted = true;
    const coreCtes = withClause ?? ctes;
    this.ctes = coreCtes;
    let last = this.selectCore(outer, wantOutput);
    let arms = 1;
    for (;;) {
      const word = this.word();
      if (word !== "union" && word !== "intersect" && word !== "except") break;
      this.i++;
      if (word === "union" && this.word() === "all") this.i++;
      last = this.selectCore(outer, false);
      arms++;
    }
    if (withClause !== undefined) withClause.clause.arms = arms;
    // ORDER BY and LIMIT belong to the last arm's query.
    this.scope = last;
    this.outer = last;
    if (this.word() === "order") this.orderBy();
    if (this.word() === "limit") {
      this.i++;
      this.expression();
      if (this.word() === "offset" || this.isPunct(COMMA)) {
        this.i++;
        this.expression();
      }
    }
    this.outer = outer;
    this.ctes = ctes;
    this.frame = frame;
    this.scope = scope;
  }

  /** SELECT … [FROM …] [WHERE …] [GROUP BY … [HAVING …]], correlated with `outer`; its scope. */
  private selectCore(outer: ColumnScope | undefined, wantOutput: boolean): ColumnScope {
    this.expectWord("select");
    if (this.word() === "distinct" || this.word() === "all") this.i++;
    const scope: ColumnScope = { sources: [], aliases: new Set(), parent: outer };
    // In the SELECT list itself a name is a source column even when an alias repeats it (`amount / 100 as amount`).
    const list: ColumnScope = { sources: scope.sources, aliases: undefined, parent: outer };
    this.scope = list;
    this.outer = list;
    const items: OutputItem[] | undefined = wantOutput ? [] : undefined;
    do {
      const item = this.selectItem(scope.aliases as Set<string>, items !== undefined);
      items?.push(item);
    } while (this.acceptPunct(COMMA));
    this.scope = scope;
    this.outer = scope;
    if (this.word() === "from") this.fromClause(scope.sources);
    if (this.word() === "where") this.whereClause();
    if (this.word() === "group") {
      this.i++;
      this.expectWord("by");
      this.expressionList();
      if (this.word() === "having") {
        this.i++;
        this.expression();
      }
    }
    if (items !== undefined) this.facts.outputOf(items, scope);
    return scope;
  }

  /**
   * One item of a SELECT list, its alias noted in `aliases`: what it outputs (null: an expression),
   * when `wanted` (only a CREATE … AS asks; otherwise null).
   */
  private selectItem(aliases: Set<string>, wanted: boolean): OutputItem {
    if (this.isOperator("*")) {
      this.i++;
      return wanted ? { starOf: undefined } : null;
    }
    const k = this.here();
    if (this.isPunctAt(k + 1, DOT) && this.isCharOperatorAt(k + 2, STAR) && this.isNameAt(k)) {
      const qualifier = wanted ? this.lowerName(this.i) : undefined;
      this.i += 3;
      return wanted ? { starOf: qualifier } : null;
    }
    const name = this.expression();
    const alias = this.aliased();
    if (alias !== NOT_A_NAME) {
      const aliasName = this.lowerName(alias);
      aliases.add(aliasName);
      return wanted ? { name: aliasName } : null;
    }
    return name === NOT_A_NAME || !wanted ? null : { name: this.lowerName(name) };
  }

  /** `[AS] alias`: after AS any name, bare only a word that can never start a clause. Its token, or NOT_A_NAME. */
  private aliased(): number {
    if (this.word() === "as") {
      this.i++;
      return this.name();
    }
    if (this.isAliasAt(this.i)) return this.i++;
    return NOT_A_NAME;
  }

  /** FROM with its joins; each item a source of the query when `sources` is given (not for UPDATE … FROM). */
  protected fromClause(sources: ColumnScope["sources"] | undefined): void {
    this.expectWord("from");
    this.tableOrSubquery(sources);
    for (;;) {
      if (this.acceptPunct(COMMA)) {
        this.tableOrSubquery(sources);
        continue;
      }
      if (!this.joinOperator()) break;
      this.tableOrSubquery(sources);
      if (this.word() === "on") {
        this.i++;
        this.expression();
      } else if (this.word() === "using") {
        this.i++;
        this.expectPunct(OPEN);
        do this.column(this.name());
        while (this.acceptPunct(COMMA));
        this.expectPunct(CLOSE);
      }
    }
  }
  /** Consumes [NATURAL] [LEFT|RIGHT|FULL [OUTER] | INNER | CROSS] JOIN; false when none is there. */
  private joinOperator(): boolean {
    const start = this.i;
    if (this.word() === "natural") this.i++;
    const word = this.word();
    if (word === "left" || word === "right" || word === "full") {
      this.i++;
      if (this.word() === "outer") this.i++;
    } else if (word === "inner" || word === "cross") {
      this.i++;
    }
    if (this.word() === "join") {
      this.i++;
      return true;
    }
    if (this.i !== start) throw NOT_CERTAIN;
    return false;
  }

  /** A FROM item: a table, a subquery or a table-valued function, each maybe aliased. */
  private tableOrSubquery(sources: ColumnScope["sources"] | undefined): void {
    const k = this.here();
    const outer = this.outer;
    if (this.isPunctAt(k, OPEN)) {
      this.i++;
      if (this.word() !== "select" && this.word() !== "with") throw NOT_CERTAIN;
      // A derived table is not correlated with the query it stands in.
      this.outer = undefined;
      this.select();
    } else if (this.isPunctAt(k + 1, OPEN) && this.isNameAt(k)) {
      this.i += 2;
      // Its arguments name no columns of this query (the column walker only looks for subqueries there).
      const scope = this.scope;
      this.outer = undefined;
      this.scope = undefined;
      if (!this.isPunct(CLOSE)) this.expressionList();
      this.scope = scope;
    } else {
      const first = this.dottedName();
      const last = this.i - 1;
      const name = this.tableRead(first);
      const alias = this.aliased();
      // Unaliased, a one-part name qualifies its columns as itself: no second lookup.
      const qualifier = alias !== NOT_A_NAME ? this.lowerName(alias) : last === first ? name : this.lowerName(last);
      sources?.push(this.facts.source(qualifier, name, last === first, this.ctes));
      return;
    }
    this.outer = outer;
    this.expectPunct(CLOSE);
    const alias = this.aliased();
    sources?.push(this.facts.source(alias === NOT_A_NAME ? "" : this.lowerName(alias), undefined, false, this.ctes));
  }
}
