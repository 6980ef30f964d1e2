#!/usr/bin/env node
// Tiny launcher: the real work is in the bundle. Sets the exit code, never calls process.exit,
// so piped output is flushed.
import { run } from "../dist/main.js";

process.exitCode = await run(process.argv.slice(2));
