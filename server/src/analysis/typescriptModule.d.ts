// Types for the compiler module ts-morph re-exports as `ts` (see typescript.ts): the package
// ships its declarations under lib/, not beside dist/typescript.js.
declare module "@ts-morph/common/dist/typescript.js" {
  import { ts } from "ts-morph";
  export = ts;
}
