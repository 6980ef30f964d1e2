// How a doctor run looks at a terminal: each check and action as a line on stdout as it happens
// (prompts and spinners are on stderr), then the diagnosis with numbered steps and whom to call.
// Words, not only symbols or colours, carry every result, for screen readers and --plain.
import type { Profile } from "../../config/load.js";
import type { Contact } from "../../contacts/types.js";
import { contactLine } from "../../doctor/actions.js";
import type { EngineEvent, Step, Transcript } from "../../doctor/engine.js";
import { outcomeWord, probeLabel } from "../../doctor/report.js";
import type { Lang } from "../../i18n/lang.js";
import { directoryWords } from "../../i18n/messages/contacts.js";
import { doctorText } from "../../i18n/messages/doctor.js";
import type { UiContext } from "../../ui/io.js";
import { printLine as printRaw } from "../../ui/output.js";
import { asciiSymbols } from "../../ui/plain-text.js";
import { type Spinner, startSpinner } from "../../ui/spinner.js";
import { createStyle } from "../../ui/style.js";

export interface DoctorView {
  onEvent(event: EngineEvent): void;
  /** The walk is over: stop any spinner. */
  done(): void;
  finish(transcript: Transcript, contacts: Contact[]): void;
}

/** What the view writes with: the run's streams (or, for --summary, stderr in stdout's place). */
export interface ViewContext extends UiContext {
  prompter: { readonly interactive: boolean };
}

export async function createDoctorView(
  ctx: ViewContext,
  profile: Profile,
  lang: Lang = "en",
): Promise<DoctorView> {
  const t = doctorText.in(lang);
  const style = createStyle(ctx);
  const c = style.color;
  // Plain output spells the tree's symbols ("Settings › Privacy") in ASCII for screen readers and logs.
  const printLine = (_: unknown, line = "") => printRaw(ctx, style.plain ? asciiSymbols(line) : line);
  const quiet = Boolean(ctx.globals.json);
  let spinner: Promise<Spinner> | undefined;
  const stopSpinner = () => {
    const current = spinner;
    spinner = undefined;
    void current?.then((s) => s.stop());
  };
  const mark = { ok: c.green("✔"), problem: c.red("✖"), unknown: c.yellow("?") } as const;
  const interactive = ctx.prompter.interactive;

  const show = (step: Step) => {
    switch (step.kind) {
      case "question":
        // At a terminal the prompt itself stays on screen with the answer.
        if (step.source !== "prompt")
          printLine(ctx, `${c.dim(t.question)} ${step.text} ${c.bold(step.label)}`);
        break;
      case "input":
        if (step.source !== "prompt")
          printLine(ctx, `${c.dim(t.given)} ${step.id} = ${step.value || t.skipped}`);
        break;
      case "probe": {
        const word = outcomeWord(step.outcome, lang);
        const head = style.plain ? `${word}:` : `${mark[step.outcome]} ${word}:`;
        printLine(
          ctx,
          `${head} ${probeLabel(step.probe, lang)}: ${step.summary} ${c.dim(`(${step.ms} ms)`)}`,
        );
        for (const d of step.details ?? []) printLine(ctx, `    ${d}`);
        break;
      }
      case "action":
        printLine(ctx, `${style.plain ? t.step : c.cyan("→")} ${step.summary}`);
        for (const d of step.details ?? []) printLine(ctx, `    ${d}`);
        break;
      case "end":
        break;
    }
  };

  return {
    onEvent(event) {
      if (quiet) return;
      if (event.type === "probe-wait") {
        const text = event.text ?? t.checking(probeLabel(event.probe, lang));
        spinner = startSpinner(ctx, text);
        return;
      }
      if (event.type === "step") {
        stopSpinner();
        show(event.step);
      }
    },
    done: stopSpinner,
    finish(transcript, contacts) {
      const end = transcript.end;
      const severity = { info: c.green, warning: c.yellow, urgent: c.red }[end.severity];
      printLine(ctx);
      printLine(
        ctx,
        `${c.bold(t.diagnosis)} ${severity(end.title)}${end.severity === "urgent" ? t.urgent : ""}`,
      );
      for (const [i, line] of end.remedy.entries()) printLine(ctx, `  ${i + 1}. ${line}`);
      if (contacts.length) {
        printLine(ctx);
        printLine(ctx, c.bold(t.whomToCall));
        printLine(ctx, `  ${directoryWords(lang, profile.contacts.advice)}`);
        for (const contact of contacts) printLine(ctx, `  ${contactLine(contact, lang)}`);
      }
      if (transcript.requestIds.length) {
        printLine(ctx);
        printLine(ctx, t.requestIdsToQuote(transcript.requestIds.join(", ")));
      }
      if (!interactive) return;
      printLine(ctx);
      printLine(ctx, c.dim(t.keepCopy));
    },
  };
}
