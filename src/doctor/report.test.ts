// The help-desk summary (`doctor --summary`): at most ten one-line facts, whatever the run held,
// with the failed checks' request ids, and nothing that could be a secret; report.md starts with it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cases } from "../../test/helpers/cases.js";
import type { Profile } from "../config/load.js";
import type { Contact } from "../contacts/types.js";
import type { EndStep, ProbeStep, Step, Transcript } from "./engine.js";
import {
  buildReport,
  redactSummaryLine,
  reportMarkdown,
  SUMMARY_MAX_LINE,
  SUMMARY_MAX_LINES,
} from "./report.js";
import type { ProbeName } from "./tree-schema.js";

const profile = { name: "acme", baseUrl: "https://portal.acme.example/api/v1" } as Profile;
const contact: Contact = {
  id: "web",
  name: "Web support",
  purpose: "Sign-in trouble.",
  phone: "(800) 711-5672",
  tty: "711",
  hours: "24 hours",
  enrollees: [],
  topics: [],
};
const PROBES: ProbeName[] = [
  "dns",
  "tcp",
  "tls",
  "status",
  "clock",
  "lockout",
  "app-version",
  "mx",
  "proxy",
  "last-code",
];

/** Secrets a careless probe or remedy might echo; each must be hidden in the summary. */
const secret = fc.oneof(
  fc.stringMatching(/^[0-9]{6}$/),
  fc.stringMatching(/^[0-9]{3}-[0-9]{2}-[0-9]{4}$/),
  fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((t) => `https://portal.acme.example/reset?token=${t}`),
  fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((t) => `https://u:${t}@portal.acme.example/x`),
  fc.stringMatching(/^[A-Za-z0-9]{16,30}$/).map((t) => `Bearer ${t}`),
  fc.stringMatching(/^[A-Za-z0-9_-]{10,20}$/).map((t) => `eyJ${t}.eyJ${t}.sig${t}`),
);
/** What a secret may leave behind: only the part that is not secret. */
const secretPart = (s: string): string => {
  if (s.startsWith("https://u:")) return s.slice("https://u:".length, s.indexOf("@"));
  if (s.startsWith("https://")) return s.slice(s.indexOf("token=") + 6);
  if (s.startsWith("Bearer ")) return s.slice(7);
  return s;
};
const words = fc.string({
  unit: fc.constantFrom("a", "b", " ", ".", ",", "\n", "\t", "|", "é", "-"),
  maxLength: 60,
});
const withSecret = fc.tuple(words, fc.option(secret, { nil: undefined }), words).map(([a, s, b]) => ({
  text: s ? `${a} ${s} ${b}` : `${a}${b}`,
  secret: s,
}));

const probeStep = fc.record({
  probe: fc.constantFrom(...PROBES),
  outcome: fc.constantFrom("ok" as const, "problem" as const, "unknown" as const),
  summary: withSecret,
  requestIds: fc.array(fc.uuid(), { maxLength: 3 }),
});

const run = fc.record({
  probes: fc.array(probeStep, { maxLength: 12 }),
  question: fc.option(withSecret, { nil: undefined }),
  title: withSecret,
  remedy: fc.array(withSecret, { maxLength: 4 }),
  extraIds: fc.array(fc.uuid(), { maxLength: 3 }),
  agent: fc.option(withSecret, { nil: undefined }),
  consent: fc.constantFrom("agreed" as const, "declined" as const),
});

type Run = typeof run extends fc.Arbitrary<infer T> ? T : never;

function transcriptOf(r: Run): Transcript {
  const end: EndStep = {
    kind: "end",
    id: "end-x",
    title: r.title.text,
    remedy: r.remedy.map((x) => x.text),
    severity: "warning",
  };
  const steps: Step[] = [
    ...(r.question
      ? [
          {
            kind: "question" as const,
            id: "start",
            text: "What happens?",
            answer: "other",
            label: r.question.text,
            source: "answers" as const,
          },
        ]
      : []),
    ...r.probes.map(
      (p, i): ProbeStep => ({
        kind: "probe",
        id: `p${i}`,
        probe: p.probe,
        outcome: p.outcome,
        summary: p.summary.text,
        requestIds: p.requestIds,
        ms: 5,
        startedAtMs: i,
      }),
    ),
    end,
  ];
  return {
    start: "start",
    steps,
    end,
    answers: {},
    requestIds: [...r.probes.flatMap((p) => p.requestIds), ...r.extraIds],
    startedAt: "2026-02-10T09:30:00.000Z",
    finishedAt: "2026-02-10T09:30:01.000Z",
    durationMs: 1000,
  };
}

describe("the doctor summary", () => {
  it("is at most ten single lines, names the failed checks' request ids, and hides every secret", () => {
    fc.assert(
      fc.property(run, (r) => {
        const report = buildReport({
          transcript: transcriptOf(r),
          profile,
          tree: "built-in",
          version: "0.1.0",
          contacts: [contact],
          agent: r.agent && r.consent === "agreed" ? r.agent.text : undefined,
          agentName: r.agent?.text,
          consent: r.agent ? r.consent : "not-asked",
          now: Date.parse("2026-02-10T09:30:01Z"),
        });
        const lines = report.summary;
        expect(lines.length).toBeLessThanOrEqual(SUMMARY_MAX_LINES);
        expect(lines.length).toBeGreaterThanOrEqual(7);
        for (const line of lines) {
          expect(line).not.toMatch(/[\n\r\t]/);
          expect(line.length).toBeLessThanOrEqual(SUMMARY_MAX_LINE);
        }
        const text = lines.join("\n");
        const secrets = [
          ...r.probes.map((p) => p.summary.secret),
          r.question?.secret,
          r.title.secret,
          ...r.remedy.map((x) => x.secret),
          r.agent?.secret,
        ].filter((s): s is string => s !== undefined);
        for (const s of secrets) expect(text).not.toContain(secretPart(s));
        // Every failed check's request ids are named (unless its line had to be cut).
        const failedLine = lines.find((l) => l.startsWith("Failed checks: ")) ?? "";
        if (failedLine.length < SUMMARY_MAX_LINE) {
          for (const p of r.probes.filter((x) => x.outcome !== "ok")) {
            for (const id of p.requestIds) expect(failedLine).toContain(id);
          }
        }
        const idsLine = lines.find((l) => l.startsWith("Request ids: ")) ?? "";
        if (idsLine.length < SUMMARY_MAX_LINE) {
          for (const id of report.requestIds) expect(idsLine).toContain(id);
        }
        expect(lines.some((l) => l.startsWith("Diagnosis: "))).toBe(true);
        expect(lines.some((l) => l.startsWith("Next step: "))).toBe(true);
        expect(lines).toContain("Whom to call: Web support, (800) 711-5672, TTY 711 (24 hours)");
        expect(lines.find((l) => l.startsWith("Consent: "))).toBe(
          `Consent: ${r.agent ? (r.consent === "agreed" ? "the member agreed to a help-desk report" : "the member did not agree to a saved report") : "not asked (no help-desk agent named)"}`,
        );
        // report.md starts with the same lines, then its own heading.
        const md = reportMarkdown(report).split("\n");
        expect(md.slice(0, lines.length)).toEqual(lines);
        expect(md.slice(lines.length, lines.length + 2)).toEqual(["", "# rxportal doctor report"]);
      }),
      { numRuns: cases(300), seed: 412 },
    );
  });

  it("redacts links to host and path, codes, SSNs and tokens; keeps request ids, phone numbers and dates", () => {
    expect(redactSummaryLine("open https://x.example/reset?token=abc, then")).toBe(
      "open https://x.example/reset [query and credentials removed], then",
    );
    expect(redactSummaryLine("code 123456 and SSN 123-45-6789")).toBe("code [redacted] and SSN [redacted]");
    expect(redactSummaryLine("Bearer abc.def-ghi")).toBe("Bearer [redacted]");
    const kept = "request 0f8c7a2e-1234-4abc-8def-123456789012 at (800) 711-5672 on 2026-02-10T09:30:01.000Z";
    expect(redactSummaryLine(kept)).toBe(kept);
    expect(redactSummaryLine("a\nb\u001b[31mc")).toBe("a b [31mc");
    expect(redactSummaryLine("x".repeat(1000))).toHaveLength(SUMMARY_MAX_LINE);
  });
});
