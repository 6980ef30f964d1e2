// What `rxportal` runs: the build writes this, with src/boot.ts bundled in, to bin/rxportal.js,
// the one file of the program that Node loads itself. One file and not two: a require() of a
// second file costs Node's module resolution and a package scope lookup on every start
// (`npm run bench` measures it), for nothing a run needs.
// It ends the process through endRun, which exits at once only when nothing is pending (no
// write, socket or timer left), so piped output is never cut short.
import { boot, endRun } from "./boot.js";

boot(`${__dirname}/../dist`, process.argv.slice(2)).then((code) => endRun(code));
