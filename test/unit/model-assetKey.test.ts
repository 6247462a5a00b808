import assert from "node:assert/strict";
import {
  AssetKey,
  InvalidAssetKeyError,
  compareKeyStrings,
  isValidKey,
  problemWithKey,
  problemWithName,
  quoteVisibly,
  tableNameOfKey,
} from "../../server/src/model/assetKey";

describe("model: AssetKey", () => {
  describe("fromUserString", () => {
    it("splits a key into its path parts", () => {
      assert.deepEqual(AssetKey.fromUserString("stg_orders").path, ["stg_orders"]);
      assert.deepEqual(AssetKey.fromUserString("marts/finance/orders").path, ["marts", "finance", "orders"]);
    });

    it("round-trips the user form exactly", () => {
      for (const text of ["a", "a/b", "marts/orders-2024", "Orders.v2", "a__b"]) {
        assert.equal(AssetKey.fromUserString(text).toUserString(), text);
        assert.equal(String(AssetKey.fromUserString(text)), text);
      }
    });

    const invalid: Array<[string, RegExp]> = [
      ["", /empty/],
      ["/a", /starts with "\/"/],
      ["a/", /ends with "\/"/],
      ["a//b", /empty part between two "\/"/],
      ["/", /starts with "\/"/],
      [" a", /whitespace/],
      ["a ", /whitespace/],
      ["a b", /whitespace/],
      ["a\tb", /whitespace/],
      ["a/\u00a0b", /whitespace/],
      ["a,b", /","/],
      ["a+b", /"\+"/],
      ["marts/*", /"\*"/],
      ["group:x", /":"/],
      ["a\u0000b", /control character/],
      ["a\ud800b", /unpaired UTF-16 surrogate/],
    ];
    for (const [text, reason] of invalid) {
      it(`rejects ${JSON.stringify(text)} with a typed error quoting it`, () => {
        assert.throws(
          () => AssetKey.fromUserString(text),
          (error: unknown) =>
            error instanceof InvalidAssetKeyError &&
            error.input === text &&
            error.message.includes(JSON.stringify(text)) &&
            reason.test(error.message),
        );
        assert.equal(isValidKey(text), false);
      });
    }

    for (const character of [
      "\u202a",
      "\u202b",
      "\u202c",
      "\u202d",
      "\u202e",
      "\u2066",
      "\u2067",
      "\u2068",
      "\u2069",
    ]) {
      const code = `U+${character.charCodeAt(0).toString(16).toUpperCase()}`;
      it(`rejects the bidirectional control ${code}, quoting the key with it escaped`, () => {
        const text = `orders${character}_x`;
        assert.throws(
          () => AssetKey.fromUserString(text),
          (error: unknown) =>
            error instanceof InvalidAssetKeyError &&
            error.message.startsWith(
              `invalid asset key "orders\\u${character.charCodeAt(0).toString(16)}_x": it contains ${code}, a bidirectional control character`,
            ) &&
            !error.message.includes(character),
        );
        assert.throws(() => AssetKey.fromPath(["marts", text]), InvalidAssetKeyError);
      });
    }

    it("rejects C1 controls and DEL, which JSON does not escape, and shows them escaped", () => {
      for (const character of ["\u007f", "\u0085", "\u009b"]) {
        assert.equal(isValidKey(`a${character}b`), false);
        assert.throws(
          () => AssetKey.fromUserString(`a${character}b`),
          (error: unknown) => error instanceof Error && !error.message.includes(character),
        );
      }
    });

    it("keeps any other Unicode as written, without normalising it", () => {
      const composed = "donn\u00e9es/caf\u00e9";
      const decomposed = "donne\u0301es/cafe\u0301";
      assert.equal(isValidKey(composed), true);
      assert.equal(isValidKey(decomposed), true);
      assert.equal(AssetKey.fromUserString(decomposed).toUserString(), decomposed);
      assert.equal(AssetKey.fromUserString(composed).equals(AssetKey.fromUserString(decomposed)), false);
      assert.equal(isValidKey("売上/注文"), true);
      assert.equal(isValidKey("emoji/📦"), true);
    });
  });

  describe("database form", () => {
    it("is a JSON array of the parts and round-trips", () => {
      const key = AssetKey.fromUserString("marts/orders");
      assert.equal(key.toDbString(), '["marts","orders"]');
      assert.ok(AssetKey.fromDbString(key.toDbString()).equals(key));
    });

    it("round-trips quotes, backslashes and non-BMP characters", () => {
      for (const text of ['say"hi"', "back\\slash/x", "emoji/📦", "donn\u00e9es"]) {
        const key = AssetKey.fromUserString(text);
        assert.equal(AssetKey.fromDbString(key.toDbString()).toUserString(), text);
      }
    });

    it("rejects stored text that is not a key", () => {
      for (const stored of ["not json", "{}", "[]", "[1]", '["a/b"]', '[""]', '"a"']) {
        assert.throws(() => AssetKey.fromDbString(stored), InvalidAssetKeyError, stored);
      }
    });
  });

  describe("fromPath", () => {
    it("builds the same key as the user form", () => {
      assert.ok(AssetKey.fromPath(["marts", "orders"]).equals(AssetKey.fromUserString("marts/orders")));
    });

    it("rejects parts containing '/' and empty paths", () => {
      assert.throws(() => AssetKey.fromPath(["a/b"]), /contains "\/"/);
      assert.throws(() => AssetKey.fromPath([]), /no parts/);
    });
  });

  describe("problemWithKey and tableNameOfKey (the fast check of plain ASCII keys)", () => {
    /** The rules applied part by part, as fromPath does, without the fast check. */
    function reference(text: string): { problem: string | undefined; table: string | undefined } {
      try {
        return { problem: undefined, table: AssetKey.fromPath(text.split("/")).toTableName() };
      } catch (error) {
        assert.ok(error instanceof InvalidAssetKeyError);
        return { problem: error.reason, table: undefined };
      }
    }

    it("accepts and rejects exactly what the part-by-part rules do, for every UTF-16 code unit in every position", () => {
      for (let code = 0; code <= 0xffff; code++) {
        const c = String.fromCharCode(code);
        for (const text of [c, `a${c}`, `${c}b`, `a/${c}`, `${c}/b`, `a${c}/b`, `a/b${c}c`, `${c}${c}`]) {
          const expected = reference(text);
          assert.equal(problemWithKey(text) === undefined, expected.problem === undefined, JSON.stringify(text));
          assert.equal(isValidKey(text), expected.problem === undefined, JSON.stringify(text));
          assert.equal(tableNameOfKey(text), expected.table, JSON.stringify(text));
        }
      }
    });

    it("rejects empty parts wherever they are", () => {
      for (const text of ["", "/", "/a", "a/", "a//b", "//", "a/b/"])
        assert.notEqual(problemWithKey(text), undefined, text);
    });
  });

  describe("toTableName", () => {
    it("is the key itself for a one-part key", () => {
      assert.equal(AssetKey.fromUserString("stg_orders").toTableName(), "stg_orders");
    });

    it("joins the parts with '__' for a multi-part key (no dot: SQLite reads it as a schema)", () => {
      assert.equal(AssetKey.fromUserString("marts/orders").toTableName(), "marts__orders");
      assert.equal(AssetKey.fromUserString("a/b/c").toTableName(), "a__b__c");
    });
  });

  describe("equality and order", () => {
    it("compares by parts", () => {
      assert.ok(AssetKey.fromUserString("a/b").equals(AssetKey.fromPath(["a", "b"])));
      assert.equal(AssetKey.fromUserString("a/b").equals(AssetKey.fromUserString("a__b")), false);
    });

    it("sorts by the user form in code-unit order, like every list in the model", () => {
      const keys = ["b", "a/b", "B", "a", "a-b", "é"].map((text) => AssetKey.fromUserString(text));
      const sorted = [...keys].sort((x, y) => x.compare(y)).map((key) => key.toUserString());
      assert.deepEqual(sorted, ["B", "a", "a-b", "a/b", "b", "é"]);
      assert.deepEqual(sorted, sorted.slice().sort(compareKeyStrings));
    });

    it("is immutable", () => {
      const key = AssetKey.fromUserString("a/b");
      assert.throws(() => (key.path as string[]).push("c"), TypeError);
      assert.ok(Object.isFrozen(key));
    });
  });

  describe("check names", () => {
    it("allow free text but not control or bidirectional-control characters", () => {
      assert.equal(problemWithName("rows are positive (all of them)"), undefined);
      assert.equal(problemWithName(""), "the name is empty");
      assert.match(problemWithName("rows\u2067positive") ?? "", /U\+2067, a bidirectional control character/);
      assert.match(problemWithName("rows\u0007") ?? "", /control character U\+0007/);
    });
  });

  describe("quoteVisibly", () => {
    it("escapes what JSON escapes, and DEL, C1 and bidirectional controls as well", () => {
      assert.equal(quoteVisibly("plain données"), '"plain données"');
      assert.equal(quoteVisibly("a\u001b[2J\u0007"), '"a\\u001b[2J\\u0007"');
      assert.equal(quoteVisibly("x\u202ey\u0085z\u2069"), '"x\\u202ey\\u0085z\\u2069"');
    });
  });
});
