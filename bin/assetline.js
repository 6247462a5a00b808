#!/usr/bin/env node
// Thin launcher so `npm link`/`npx assetline` work before and after bundling.
// The code cache first, so that the CLI's bundle and TypeScript are compiled from it (server/src/codeCache.ts).
require("../dist/codeCache.js");
require("../dist/cli.js");
