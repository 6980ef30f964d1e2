#!/usr/bin/env node
// Tiny launcher: the real work is in the bundle. Sets the exit code, never calls process.exit,
// so piped output is flushed.
// CommonJS, like the bundle (bin/package.json, dist/package.json): an ES module entry point makes
// Node start its asynchronous module loader (`npm run bench` measures start-up).
// dist/boot.js loads the bundle with V8 code caches (src/boot.ts).
"use strict";

require("../dist/boot.js")
  .boot(`${__dirname}/../dist`, process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
