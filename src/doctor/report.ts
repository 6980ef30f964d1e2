// The help-desk report: what a member or agent can hand to support after a doctor run. One JSON
// document for tools and the same content as Markdown for people. Nothing secret goes in: inputs
// are not secrets (a link is cut to its host and path), and probes never see passwords or codes.
import type { Profile } from "../config/load.js";
import type { Contact } from "../contacts/types.js";
import type { ProbeStep, Step, Transcript } from "./engine.js";
import type { ProbeName } from "./tree-schema.js";

export const probeLabels: Record<ProbeName, string> = {
  dns: "Name lookup (DNS)",
  tcp: "Connection",
  tls: "Certificate (TLS)",
  status: "Portal status",
  clock: "Clock",
  lockout: "Account lock",
  "app-version": "App version",
  mx: "Mail for the recovery address",
  proxy: "Proxy settings",
  "last-code": "Last refused sign-in code",
};

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
}

export function buildReport(opts: {
  transcript: Transcript;
  profile: Profile;
  tree: string;
  version: string;
  contacts: Contact[];
  agent?: string;
  now: number;
}): DoctorReport {
  const t = opts.transcript;
  return {
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
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function reportMarkdown(r: DoctorReport): string {
  const out: string[] = [];
  out.push("# rxportal doctor report", "");
  out.push(`- Created: ${r.createdAt}`);
  out.push(`- rxportal version: ${r.rxportal.version}`);
  out.push(`- Portal profile: ${r.profile.name} (${r.profile.baseUrl})`);
  out.push(`- Tree: ${r.tree}, started at \`${r.start}\``);
  if (r.agent) out.push(`- Help-desk agent: ${r.agent.name}; the member agreed to this report.`);
  out.push(`- Duration: ${(r.durationMs / 1000).toFixed(1)} s`, "");
  out.push("## Recommendation", "", `**${r.recommendation.title}** (${r.recommendation.severity})`, "");
  for (const [i, line] of r.recommendation.remedy.entries()) out.push(`${i + 1}. ${line}`);
  out.push("", "## Path taken", "");
  for (const s of r.steps) {
    switch (s.kind) {
      case "question":
        out.push(`- Question \`${s.id}\`: ${s.text} **${s.label}** (\`${s.answer}\`)`);
        break;
      case "input":
        out.push(`- Input \`${s.id}\`: ${s.value === "" ? "(skipped)" : `\`${s.value}\``}`);
        break;
      case "probe":
        out.push(`- Check \`${s.id}\` (${probeLabels[s.probe]}): ${outcomeWords[s.outcome]}. ${s.summary}`);
        break;
      case "action":
        out.push(`- Action \`${s.id}\`: ${s.status}. ${s.summary}`);
        break;
      case "end":
        out.push(`- Result \`${s.id}\`: ${s.title}`);
        break;
    }
  }
  out.push("", "## Checks", "");
  if (r.probes.length) {
    out.push("| check | result | time | summary |", "| --- | --- | --- | --- |");
    for (const p of r.probes) {
      out.push(`| ${probeLabels[p.probe]} | ${outcomeWords[p.outcome]} | ${p.ms} ms | ${cell(p.summary)} |`);
      for (const d of p.details) out.push(`|  |  |  | ${cell(d)} |`);
    }
  } else {
    out.push("No live checks were on this path.");
  }
  out.push("", "## Request ids", "");
  out.push(r.requestIds.length ? r.requestIds.map((id) => `- \`${id}\``).join("\n") : "None recorded.");
  out.push("", "## Whom to call", "");
  for (const c of r.contacts) {
    out.push(
      `- ${c.name}: ${c.phone}${c.tty ? `, TTY ${c.tty}` : ""}${c.hours ? ` (${c.hours})` : ""}. ${c.purpose}`,
    );
  }
  out.push("", "## Answers (to replay this run)", "", "```yaml");
  for (const [id, value] of Object.entries(r.answers)) out.push(`${id}: ${JSON.stringify(value)}`);
  out.push("```", "");
  return out.join("\n");
}
