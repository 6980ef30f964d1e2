// Prints one of README's Quick start commands, as README prints it:
//   first | second   the two commands of the section's first bash block (comments removed)
//   unattended       the first later bash block of the section that gives --answer
// .ci/run runs them in a fresh clone, so CI breaks when README's commands do.
import { readFileSync } from "node:fs";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const start = readme.indexOf("\n## Quick start\n");
if (start < 0) fail("README has no '## Quick start' section");
const end = readme.indexOf("\n## ", start + 1);
const section = readme.slice(start, end < 0 ? undefined : end);
const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) =>
  m[1]
    .replace(/\\\n\s*/g, "") // a continued line is one command
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#")),
);
const [main = []] = blocks;
if (main.length !== 2) fail(`Quick start's first block has ${main.length} commands, not 2`);
const which = process.argv[2];
const unattended = blocks
  .slice(1)
  .flat()
  .find((line) => line.includes("--answer"));
const command = { first: main[0], second: main[1], unattended }[which];
if (!command) fail(`no ${which ?? "(nothing asked)"} command in README's Quick start`);
process.stdout.write(`${command}\n`);

function fail(message) {
  process.stderr.write(`quickstart: ${message}.\n`);
  process.exit(1);
}
