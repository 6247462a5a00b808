/**
 * The TypeScript compiler the engine parses with: the copy ts-morph carries, loaded without
 * ts-morph itself.
 *
 * The engine only ever used `ts` from ts-morph, but `require("ts-morph")` also loads ts-morph's
 * own layer and @ts-morph/common, which evaluates the texts of TypeScript's lib .d.ts files at
 * load: 14 MB of heap and ~22 MB of resident memory that no analysis uses (bench/README.md,
 * memory). The compiler is the same file ts-morph re-exports, so versions and results do not change.
 */
import ts = require("@ts-morph/common/dist/typescript.js");

export { ts };
