// `rxportal doctor`: guided diagnosis. This file wires the pure engine (src/doctor/) to the
// terminal: who answers (a person, or --answers/--answer), how steps are shown (prompts and
// spinners, plain lines, or one JSON document), and the help-desk report.
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { lastCodeRefusal } from "../../auth/code-record.js";
import { lastUsername } from "../../auth/session.js";
import { lockoutGuard, submitPassword } from "../../auth/sign-in.js";
import type { AppContext } from "../../context.js";
import { contactsFor, createActions, enrolleeFrom } from "../../doctor/actions.js";
import { checkAnswers, type GivenAnswers, parseAnswerFlag, readAnswersFile } from "../../doctor/answers.js";
import { type Asker, MissingAnswersError, walkTree } from "../../doctor/engine.js";
import { doctorInputsIn } from "../../doctor/inputs.js";
import { createProbes } from "../../doctor/probes.js";
import { buildReport, reportMarkdown } from "../../doctor/report.js";
import { loadCheckedTree } from "../../doctor/tree-file.js";
import { localizeTree } from "../../doctor/tree-localize.js";
import type { QuestionNode } from "../../doctor/tree-schema.js";
import { UsageError } from "../../errors.js";
import { type Lang, resolveLang } from "../../i18n/lang.js";
import { doctorText } from "../../i18n/messages/doctor.js";
import { type InputWords, inputWords } from "../../i18n/messages/inputs.js";
import { writePrivateFile } from "../../state/files.js";
import { isAccessible } from "../../ui/accessible.js";
import { note, printJson, printLine } from "../../ui/output.js";
import { asciiSymbols } from "../../ui/plain-text.js";
import { VERSION } from "../../version.js";
import type { CommandResult } from "../kit.js";
import { resetAction } from "./reset-action.js";
import { createDoctorView } from "./view.js";

export interface DoctorFlags {
  answers?: string;
  answer?: string[];
  start?: string;
  tree?: string;
  report?: string;
  agent?: string;
  summary?: boolean;
}

export async function doctorCommand(ctx: AppContext, flags: DoctorFlags): Promise<CommandResult> {
  if (flags.agent !== undefined && flags.report === undefined) {
    throw new UsageError("--agent names the help-desk agent in a report; it needs --report <dir> too.");
  }
  if (flags.summary && ctx.globals.json) {
    throw new UsageError(
      '--summary prints a few lines for a ticket; --json already holds them as "summary". Give one.',
    );
  }
  if (flags.report !== undefined) checkReportDir(flags.report);
  const lang = resolveLang({ flag: ctx.globals.lang, env: ctx.env });
  // The tree's texts in the member's language; ids and values (`--answer start=locked`) are the same in all.
  const tree = localizeTree(await loadCheckedTree(flags.tree), lang);
  const given: Record<string, string> = flags.answers ? await readAnswersFile(flags.answers) : {};
  for (const flag of flags.answer ?? []) {
    const [id, value] = parseAnswerFlag(flag);
    given[id] = value;
  }
  const inputs = doctorInputsIn(lang);
  const answers = checkAnswers(tree, inputs, given);
  const profile = await ctx.profile();
  const t = doctorText.in(lang);
  const consented = flags.agent !== undefined ? await memberConsent(ctx, answers, lang) : false;
  // With --summary, stdout holds only the summary: the session's own lines go to stderr.
  const talk = flags.summary
    ? {
        io: { ...ctx.io, stdout: ctx.io.stderr },
        env: ctx.env,
        globals: ctx.globals,
        signal: ctx.signal,
        prompter: ctx.prompter,
      }
    : ctx;

  const username = profile.username ?? (await lastUsername(ctx, profile.name).catch(() => undefined));
  const asker = createAsker(ctx, answers, username, ctx.globals.sandbox ? profile.baseUrl : undefined, lang);
  const now = () => ctx.clock.now();
  const probes = createProbes({
    lang,
    profile,
    env: ctx.env,
    now,
    timeoutMs: profile.timeoutMs,
    portal: () => ctx.portal(),
    guard: lockoutGuard(ctx),
    storedPassword: async (user) => {
      const creds = await ctx.credentials();
      const kept = await creds.store.getPassword(profile.name, user).catch(() => undefined);
      if (kept || ctx.env.RXPORTAL_PASSWORD) return kept ?? ctx.env.RXPORTAL_PASSWORD;
      // The embedded sandbox's members share one published password; it opens nothing else.
      return ctx.globals.sandbox ? (await import("../../sandbox/seed.js")).SANDBOX_PASSWORD : undefined;
    },
    codeRefusal: (user) => lastCodeRefusal(ctx, profile.name, user),
    submitPassword: async (user, password) =>
      submitPassword(ctx, await ctx.portal(), profile, { username: user, password }),
    // Used only on an OIDC profile: the sign-in provider's checks (src/doctor/oidc-probes.ts).
    oidc: {
      signal: ctx.signal,
      fetch: ctx.fetchOverride,
      cleanups: ctx.cleanups,
      endsWithProcess: ctx.endsWithProcess,
      trace: ctx.trace,
      keptToken: async () => {
        if (!username) return undefined;
        const creds = await ctx.credentials();
        if (!creds.persistent) return undefined;
        return (await creds.store.getSession(profile.name, username).catch(() => undefined))?.accessToken;
      },
    },
  });
  const actions = createActions({ profile, now, probes, reset: resetAction(ctx), lang });
  const view = await createDoctorView(talk, profile, lang);

  const transcript = await walkTree({
    tree,
    start: flags.start,
    asker,
    probes,
    actions,
    inputs,
    now,
    probeTimeoutMs: profile.timeoutMs,
    signal: ctx.signal,
    onEvent: view.onEvent,
  });
  view.done();

  const enrollee = enrolleeFrom(transcript.answers);
  // The report always names whom to call; web support is the line for sign-in trouble.
  const contacts = contactsFor(profile, transcript.end.contacts ?? "website", enrollee);
  const report = buildReport({
    transcript,
    profile,
    tree: flags.tree ?? "built-in",
    version: VERSION,
    contacts,
    agent: consented ? flags.agent : undefined,
    agentName: flags.agent,
    consent: flags.agent === undefined ? "not-asked" : consented ? "agreed" : "declined",
    now: now(),
    lang,
  });
  if (ctx.globals.json) {
    printJson(ctx, report);
  } else {
    view.finish(transcript, transcript.end.contacts ? contacts : []);
  }
  if (flags.report !== undefined) {
    if (flags.agent !== undefined && !consented) {
      note(ctx, t.noReport);
    } else {
      await writeReport(flags.report, report, lang);
      note(ctx, t.reportWritten(join(flags.report, "report.md")));
    }
  }
  if (flags.summary) for (const line of report.summary) printLine(ctx, line);
  return undefined;
}

function createAsker(
  ctx: AppContext,
  given: GivenAnswers,
  username: string | undefined,
  sandboxUrl: string | undefined,
  lang: Lang,
): Asker {
  const w = inputWords.in(lang);
  return {
    interactive: ctx.prompter.interactive,
    known(id) {
      const value = given[id];
      if (value) return value;
      if (id === "username" && username) return { value: username, source: "default" };
      return undefined;
    },
    async choose(id: string, node: QuestionNode) {
      if (node.help) note(ctx, isAccessible(ctx) ? asciiSymbols(node.help) : node.help);
      return ctx.prompter.select({
        message: node.text,
        noTty: `--answer ${id}=<value>`,
        choices: node.answers.map((a) => ({ name: a.label, value: a.value })),
      });
    },
    async input(spec) {
      if (spec.id === "username" && sandboxUrl) {
        const members = await sandboxMembers(sandboxUrl, w);
        if (members.length) {
          const picked = await ctx.prompter.select({
            message: w.sandboxMember,
            noTty: "--answer username=<member>",
            choices: [...members, { name: w.someoneElse, value: "" }],
          });
          if (picked) return picked;
        }
      }
      if (spec.choices) {
        return ctx.prompter.select({
          message: spec.text,
          noTty: `--answer ${spec.id}=<value>`,
          choices: [
            ...spec.choices.map((c) => ({ name: c.label, value: c.value })),
            { name: w.skip, value: "" },
          ],
        });
      }
      return ctx.prompter.input({
        message: spec.text,
        noTty: `--answer ${spec.id}=<value>`,
        validate: (v) => spec.validate?.(v.trim()) ?? true,
      });
    },
  };
}

/** The embedded sandbox's members, to pick a scenario from instead of typing a username. */
async function sandboxMembers(baseUrl: string, w: InputWords): Promise<{ name: string; value: string }[]> {
  try {
    const answer = await fetch(new URL("/_sandbox/members", baseUrl), { signal: AbortSignal.timeout(2000) });
    const list = (await answer.json()) as { username: string; scenario: string }[];
    return list.map((m) => ({
      name: `${m.username}: ${(w as Record<string, string>)[`scenario_${m.scenario}`] ?? m.scenario}`,
      value: m.username,
    }));
  } catch {
    return [];
  }
}

async function memberConsent(ctx: AppContext, given: GivenAnswers, lang: Lang): Promise<boolean> {
  const answer = given.consent?.value;
  if (answer !== undefined) {
    if (answer === "yes" || answer === "no") return answer === "yes";
    throw new UsageError(`--answer consent=${answer}: expected yes or no.`);
  }
  if (!ctx.prompter.interactive) throw new MissingAnswersError(["consent"]);
  return ctx.prompter.confirm({
    message: doctorText.in(lang).consentQuestion,
    noTty: "--answer consent=yes",
    default: false,
  });
}

function checkReportDir(dir: string): void {
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`--report ${dir}: that is a file, not a folder.`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new UsageError(
        `--report ${dir}: cannot use that folder (${(error as NodeJS.ErrnoException).code}).`,
      );
    }
  }
}

async function writeReport(dir: string, report: ReturnType<typeof buildReport>, lang: Lang): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await writePrivateFile(join(dir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  await writePrivateFile(join(dir, "report.md"), reportMarkdown(report, lang));
}
