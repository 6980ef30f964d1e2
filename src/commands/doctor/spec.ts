// `rxportal doctor`. The implementation loads in the action (start-up time).
import type { Command } from "commander";
import type { AppContext } from "../../context.js";
import { type Act, collect, examples } from "../kit.js";

export function registerDoctorCommands(program: Command, ctx: AppContext, act: Act): void {
  program
    .command("doctor")
    .description("guided diagnosis through the troubleshooting tree; runs the automated probes itself")
    .option("--answers <file>", "answers in advance, a YAML or JSON map of question id to value")
    .option("--answer <id=value>", "one answer in advance (repeatable; wins over --answers)", collect)
    .option(
      "--start <branch>",
      "begin at a branch: credentials, two-step, reset, browser, app, lockout, outage, network, support",
    )
    .option("--tree <file>", "walk your own tree instead of the built-in one (check it with `tree lint`)")
    .option("--report <dir>", "write report.md and report.json for the help desk (private files)")
    .option(
      "--agent <name>",
      "help-desk agent running the session; recorded in the report with the member's consent",
    )
    .addHelpText(
      "after",
      `${examples(
        "rxportal doctor",
        "rxportal doctor --sandbox",
        "rxportal doctor --start network --plain",
        "rxportal doctor --answer start=locked --answer username=pat.sample --json",
        "rxportal doctor --answers answers.yaml --report ./case-1234 --agent 'J. Rivera'",
      )}
Without a terminal every question needs an answer in advance; a missing one stops the run with
exit 64 and lists the ids to pass. A --json run prints its answers, ready for --answers.
`,
    )
    .action(
      act(async (opts) => {
        const { doctorCommand } = await import("./doctor.js");
        return doctorCommand(ctx, opts);
      }),
    );
}
