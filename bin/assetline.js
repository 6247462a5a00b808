#!/usr/bin/env node
// Thin launcher so `npm link`/`npx assetline` work before and after bundling.
require("../dist/cli.js");
