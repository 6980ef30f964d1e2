// The help-desk report: what a member or agent can hand to support after a doctor run. One JSON
// document for tools and the same content as Markdown for people. Nothing secret goes in: inputs
// are not secrets (a link is cut to its host and path), and probes never see passwords or codes.
import type { Profile } from "../config/load.js";
import type { Contact } from "../contacts/types.js";
import type { Lang } from "../i18n/lang.js";
import { directoryWords } from "../i18n/messages/contacts.js";
import { type DoctorWords, doctorText } from "../i18n/messages/doctor.js";
import type { ProbeStep, Step, Transcript } from "./engine.js";
import { redactLink } from "./inputs.js";
import type { ProbeName } from "./tree-schema.js";

/** A check's name, in `lang`. */
export function probeLabel(probe: ProbeName, lang: Lang = "en"): string {
  return doctorText.in(lang)[`label_${probe}`];
}

/** A check's result in words (words, not only a symbol or a colour, carry it). */
export function outcomeWord(outcome: ProbeStep["outcome"], lang: Lang = "en"): string {
  return doctorText.in(lang)[`outcome_${outcome}`];
}

/** An end's severity in words. */
export function severityWord(severity: string, lang: Lang = "en"): string {
  const t = doctorText.in(lang);
  return severity === "info" || severity === "warning" || severity === "urgent"
    ? t[`severity_${severity}`]
    : severity;
}

export const probeLabels = Object.fromEntries(
  (Object.keys(doctorText.en) as string[])
    .filter((k) => k.startsWith("label_"))
    .map((k) => [k.slice(6), doctorText.en[k as `label_${ProbeName}`]]),
) as Record<ProbeName, string>;

export const outcomeWords = { ok: "OK", problem: "PROBLEM", unknown: "COULD NOT CHECK" } as const;

export interface DoctorReport {
  rxportal: { version: string };
  createdAt: string;
  profile: { name: string; baseUrl: string };
  tree: string;
  agent?: { name: string; memberConsented: true };
  start: string;
  path: string[];
  answers: Record<string, string>;
  probes: {
    node: string;
    probe: ProbeName;
    outcome: ProbeStep["outcome"];
    summary: string;
    details: string[];
    ms: number;
    requestIds: string[];
  }[];
  requestIds: string[];
  recommendation: { node: string; title: string; severity: string; remedy: string[] };
  contacts: Omit<Contact, "enrollees" | "topics">[];
  steps: Step[];
  durationMs: number;
  /** The paste-ready handoff (at most SUMMARY_MAX_LINES lines, redacted): `doctor --summary` prints it. */
  summary: string[];
}

/** Whether the member agreed to a saved report: asked only when an agent runs the session. */
export type Consent = "agreed" | "declined" | "not-asked";

export function buildReport(opts: {
  transcript: Transcript;
  profile: Profile;
  tree: string;
  version: string;
  contacts: Contact[];
  agent?: string;
  now: number;
  /** How the member answered the consent question; "not-asked" without an agent. */
  consent?: Consent;
  /** The agent named with --agent, whether or not the member agreed (for the summary's last line). */
  agentName?: string;
  /** The language of the summary lines (the JSON's fields stay as they are). */
  lang?: Lang;
}): DoctorReport {
  const t = opts.transcript;
  const report: Omit<DoctorReport, "summary"> = {
    rxportal: { version: opts.version },
    createdAt: new Date(opts.now).toISOString(),
    profile: { name: opts.profile.name, baseUrl: opts.profile.baseUrl },
    tree: opts.tree,
    ...(opts.agent ? { agent: { name: opts.agent, memberConsented: true as const } } : {}),
    start: t.start,
    path: t.steps.filter((s) => s.kind !== "input").map((s) => s.id),
    answers: t.answers,
    probes: t.steps.flatMap((s) =>
      s.kind === "probe"
        ? [
            {
              node: s.id,
              probe: s.probe,
              outcome: s.outcome,
              summary: s.summary,
              details: s.details ?? [],
              ms: s.ms,
              requestIds: s.requestIds ?? [],
            },
          ]
        : [],
    ),
    requestIds: t.requestIds,
    recommendation: { node: t.end.id, title: t.end.title, severity: t.end.severity, remedy: t.end.remedy },
    contacts: opts.contacts.map(({ enrollees: _e, topics: _t, ...c }) => c),
    steps: t.steps,
    durationMs: t.durationMs,
  };
  const consent = opts.consent ?? (opts.agent ? "agreed" : "not-asked");
  // The summary's call line: the lines that serve the most kinds of member first (a general line
  // before a TRICARE-only one when the member's type is not known), two at most.
  const calls = [...opts.contacts]
    .sort((a, b) => b.enrollees.length - a.enrollees.length)
    .slice(0, 2)
    .map(({ enrollees: _e, topics: _t, ...c }) => c);
  return {
    ...report,
    summary: summaryLines({ ...report, contacts: calls }, consent, opts.agentName ?? opts.agent, opts.lang),
  };
}

/** A ticket's paste: never more lines than this. */
export const SUMMARY_MAX_LINES = 10;
/** Nor longer lines than this (characters); a longer one is cut with "...". */
export const SUMMARY_MAX_LINE = 400;

/**
 * Anything in a line that could be a secret, hidden: a link keeps only its host and path, and
 * sign-in codes, Social Security numbers and bearer tokens are replaced. Control characters go too.
 * Summaries are pasted into tickets other people read; they hold no more than the report does.
 */
export function redactSummaryLine(line: string): string {
  const text = line
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point.
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, "")
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s<>"]+/gi, (url) => {
      const tail = /[.,;:)]+$/.exec(url)?.[0] ?? "";
      return redactLink(url.slice(0, url.length - tail.length)) + tail;
    })
    .replace(/\bBearer\s+[\w.~+/=-]+/gi, "Bearer [redacted]")
    .replace(/\beyJ[\w-]{8,}\.[\w-]+(?:\.[\w-]+)?/g, "[redacted]")
    .replace(/(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])/g, "[redacted]")
    .replace(/(?<![\w.:/-])\d{6,9}(?![\w.:/-])/g, "[redacted]")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > SUMMARY_MAX_LINE ? `${text.slice(0, SUMMARY_MAX_LINE - 3)}...` : text;
}

/**
 * The handoff for a help-desk ticket, one fact per line: what the member came with, which checks
 * failed (with their request ids), the diagnosis, the next step, whom to call, consent and agent.
 */
export function summaryLines(
  r: Omit<DoctorReport, "summary">,
  consent: Consent,
  agentName: string | undefined,
  lang: Lang = "en",
): string[] {
  const t = doctorText.in(lang);
  const say = (text: string) => directoryWords(lang, text);
  const firstQuestion = r.steps.find((s) => s.kind === "question");
  const symptom = firstQuestion ? `${firstQuestion.label} (${firstQuestion.answer})` : t.notAsked(r.start);
  const failed = r.probes.filter((p) => p.outcome !== "ok");
  const checks = failed.length
    ? failed
        .map(
          (p) =>
            `${probeLabel(p.probe, lang)}: ${outcomeWord(p.outcome, lang)}, ${p.summary}${p.requestIds.length ? t.requestIdsIn(p.requestIds.join(", ")) : ""}`,
        )
        .join("; ")
    : r.probes.length
      ? t.nonePassed(r.probes.length)
      : t.noneRun;
  const next = r.recommendation.remedy[0] ?? t.noneGiven;
  const call = r.contacts.length
    ? r.contacts
        .map(
          (c) =>
            `${say(c.name)}, ${c.phone}${c.tty ? `, TTY ${c.tty}` : ""}${c.hours ? ` (${say(c.hours)})` : ""}`,
        )
        .join("; ")
    : t.memberServices;
  const fields: [string, string][] = [
    [t.fieldSymptom, symptom],
    [t.fieldFailed, checks],
    [
      t.fieldDiagnosis,
      `${r.recommendation.title.trim() || t.noneGiven} (${severityWord(r.recommendation.severity, lang)})`,
    ],
    [t.fieldNext, next],
    [t.fieldCall, call],
    [t.fieldRequestIds, r.requestIds.length ? r.requestIds.join(", ") : t.noneRecorded],
    [t.fieldConsent, t[`consent_${consent}`]],
    [t.fieldAgent, agentName ?? t.noneNamed],
  ];
  const lines = [
    t.summaryHead(r.createdAt, r.profile.name, r.rxportal.version),
    // A field that redaction (or the tree) leaves empty still says so in words.
    ...fields.map(([label, value]) => `${label}: ${redactSummaryLine(value) || t.noneGiven}`),
  ];
  return lines.slice(0, SUMMARY_MAX_LINES).map(redactSummaryLine);
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function reportMarkdown(r: DoctorReport, lang: Lang = "en"): string {
  const t: DoctorWords = doctorText.in(lang);
  const say = (text: string) => directoryWords(lang, text);
  const out: string[] = [];
  // The same lines `doctor --summary` prints head the file, for a ticket's first paragraph.
  if (r.summary.length) out.push(...r.summary, "");
  out.push(t.reportTitle, "");
  out.push(`- ${t.created}: ${r.createdAt}`);
  out.push(`- ${t.version}: ${r.rxportal.version}`);
  out.push(`- ${t.portalProfile}: ${r.profile.name} (${r.profile.baseUrl})`);
  out.push(`- ${t.tree(r.tree, r.start)}`);
  if (r.agent) out.push(`- ${t.agentAgreed(r.agent.name)}`);
  out.push(`- ${t.duration}: ${(r.durationMs / 1000).toFixed(1)} s`, "");
  out.push(
    t.recommendation,
    "",
    `**${r.recommendation.title}** (${severityWord(r.recommendation.severity, lang)})`,
    "",
  );
  for (const [i, line] of r.recommendation.remedy.entries()) out.push(`${i + 1}. ${line}`);
  out.push("", t.pathTaken, "");
  for (const s of r.steps) {
    switch (s.kind) {
      case "question":
        out.push(`- ${t.pathQuestion} \`${s.id}\`: ${s.text} **${s.label}** (\`${s.answer}\`)`);
        break;
      case "input":
        out.push(`- ${t.pathInput} \`${s.id}\`: ${s.value === "" ? t.skipped : `\`${s.value}\``}`);
        break;
      case "probe":
        out.push(
          `- ${t.pathCheck} \`${s.id}\` (${probeLabel(s.probe, lang)}): ${outcomeWord(s.outcome, lang)}. ${s.summary}`,
        );
        break;
      case "action":
        out.push(`- ${t.pathAction} \`${s.id}\`: ${s.status}. ${s.summary}`);
        break;
      case "end":
        out.push(`- ${t.pathResult} \`${s.id}\`: ${s.title}`);
        break;
    }
  }
  out.push("", t.checks, "");
  if (r.probes.length) {
    out.push(t.checksHead, "| --- | --- | --- | --- |");
    for (const p of r.probes) {
      out.push(
        `| ${probeLabel(p.probe, lang)} | ${outcomeWord(p.outcome, lang)} | ${p.ms} ms | ${cell(p.summary)} |`,
      );
      for (const d of p.details) out.push(`|  |  |  | ${cell(d)} |`);
    }
  } else {
    out.push(t.noChecks);
  }
  out.push("", t.requestIds, "");
  out.push(r.requestIds.length ? r.requestIds.map((id) => `- \`${id}\``).join("\n") : t.noneRecordedTitle);
  out.push("", t.whomToCallTitle, "");
  for (const c of r.contacts) {
    out.push(
      `- ${say(c.name)}: ${c.phone}${c.tty ? `, TTY ${c.tty}` : ""}${c.hours ? ` (${say(c.hours)})` : ""}. ${say(c.purpose)}`,
    );
  }
  out.push("", t.answersTitle, "", "```yaml");
  for (const [id, value] of Object.entries(r.answers)) out.push(`${id}: ${JSON.stringify(value)}`);
  out.push("```", "");
  return out.join("\n");
}
