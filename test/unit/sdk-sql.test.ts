import assert from "node:assert/strict";
import { sql } from "../../sdk";
import { isSqlQuery, renderSql } from "../../sdk/sql";

describe("sdk: the sql tag", () => {
  it("binds every value as a parameter, numbered $1, $2, ... in order, never pasting it into the text", () => {
    const name = "ana'; drop table orders; --";
    const query = sql`select * from orders where customer = ${name} and amount > ${10}`;
    assert.deepEqual(renderSql(query), {
      text: "select * from orders where customer = $1 and amount > $2",
      values: [name, 10],
    });
  });

  it("splices a nested query with its parameters, renumbering them", () => {
    const paid = sql`status = ${"paid"}`;
    const query = sql`select id from orders where ${paid} and amount > ${5} or (${paid})`;
    assert.deepEqual(renderSql(query), {
      text: "select id from orders where status = $1 and amount > $2 or (status = $3)",
      values: ["paid", 5, "paid"],
    });
  });

  it("quotes identifiers, doubling embedded quotes, with an optional schema", () => {
    const query = sql`select * from ${sql.identifier("analytics", 'odd"name')} limit ${1}`;
    assert.deepEqual(renderSql(query), { text: 'select * from "analytics"."odd""name" limit $1', values: [1] });
    assert.throws(() => sql.identifier(), /one or more non-empty names/);
    assert.throws(() => sql.identifier(""), /one or more non-empty names/);
  });

  it("recognises queries by their brand, so another copy of the SDK's queries count too", () => {
    const query = sql`select 1`;
    assert.equal(isSqlQuery(query), true);
    assert.equal(isSqlQuery({ ...query }), true, "a structural copy, as another bundle's module would make");
    assert.equal(isSqlQuery("select 1"), false);
    assert.equal(isSqlQuery({ strings: ["select 1"], values: [] }), false);
    assert.ok(Object.isFrozen(query) && Object.isFrozen(query.values));
  });
});
