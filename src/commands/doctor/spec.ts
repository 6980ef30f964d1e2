// `rxportal doctor`: the table's entry (src/commands/table.ts).
import type { CommandSpec } from "../kit.js";

export const doctor: CommandSpec = {
  name: "doctor",
  summary: "guided diagnosis through the troubleshooting tree; runs the automated probes itself",
  options: [
    {
      flags: "--answers <file>",
      description: "answers in advance, a YAML or JSON map of question id to value",
    },
    {
      flags: "--answer <id=value>",
      description: "one answer in advance (repeatable; wins over --answers)",
      repeatable: true,
    },
    {
      flags: "--start <branch>",
      description:
        "begin at a branch: credentials, two-step, reset, browser, app, lockout, outage, network, support",
    },
    {
      flags: "--tree <file>",
      description: "walk your own tree instead of the built-in one (check it with `tree lint`)",
    },
    {
      flags: "--report <dir>",
      description: "write report.md and report.json for the help desk (private files)",
    },
    {
      flags: "--agent <name>",
      description: "help-desk agent running the session; recorded in the report with the member's consent",
    },
    {
      flags: "--summary",
      description:
        "at the end, print only a paste-ready summary (at most 10 lines) on stdout; the session talks on stderr",
    },
  ],
  examples: [
    "rxportal doctor",
    "rxportal doctor --sandbox",
    "rxportal doctor --start network --plain",
    "rxportal doctor --answer start=locked --answer username=pat.sample --json",
    "rxportal doctor --answers answers.yaml --report ./case-1234 --agent 'J. Rivera'",
    "rxportal doctor --summary > ticket.txt",
  ],
  notes: `Without a terminal every question needs an answer in advance; a missing one stops the run with
exit 64 and lists the ids to pass. A --json run prints its answers, ready for --answers.
--summary is for help-desk tickets: stdout gets at most 10 redacted lines when the run ends (symptom,
failed checks with their request ids, diagnosis, next step, whom to call, consent, agent); the same
lines are the "summary" field of --json and head report.md.
`,
  flags: () => import("./flags.js").then((f) => f.doctor),
  handler: () =>
    import("./doctor.js").then(
      (m) =>
        (ctx, { opts }) =>
          m.doctorCommand(ctx, opts),
    ),
};
