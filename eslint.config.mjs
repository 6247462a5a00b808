// The rules the code already follows, made law: `npm test` fails on any of them.
// Type-aware rules read the three TypeScript projects (Node code, the browser-side webview, and
// the tests that drive a browser), so each file is checked against the types it runs with.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "examples/**/node_modules/**",
      "examples/**/.assetline/**",
      "bench/**/generated/**",
      "test/fixtures/**",
      // The example is a user's workspace with its own conventions, analysed (not linted) by the tests.
      "examples/**",
      ".vscode-test/**",
      "**/*.cjs",
      "**/*.mjs",
      "**/*.js",
    ],
  },
  {
    files: ["**/*.ts"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        project: ["./tsconfig.json", "./webview/tsconfig.json", "./test/webview/tsconfig.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A promise nobody awaits hides its failure; mark deliberate ones with `void`.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      // A switch over a union must name every member, so a new member is a compile-time question.
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "@typescript-eslint/consistent-type-imports": [
        "error",
        // `typeof import("…")` types the lazily required native driver without loading it.
        { prefer: "type-imports", fixStyle: "inline-type-imports", disallowTypeAnnotations: false },
      ],
      // The native SQLite driver and the SQL parser are required lazily, where they are first needed,
      // so that analysis-only processes (the restricted-mode server) never load them.
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-explicit-any": "error",
      // protocol/ groups each custom method's type and constant in a namespace, as vscode-eslint's
      // customMessages.ts does: the namespace is the one name a call site imports.
      "@typescript-eslint/no-namespace": "off",
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-console": "off",
    },
  },
);
