// What action nodes do inline: show whom to call, until when an account is locked, whether a link is
// genuine, what the status page says. The password reset needs a person at a terminal, so the front
// end supplies it (see commands/doctor); everything here only computes findings.
import type { Profile } from "../config/load.js";
import { filterContacts } from "../contacts/filter.js";
import type { Contact, ContactTopic, Enrollee } from "../contacts/types.js";
import type { Lang } from "../i18n/lang.js";
import { directoryWords } from "../i18n/messages/contacts.js";
import { doctorText } from "../i18n/messages/doctor.js";
import type { ActionFinding, ActionSet, ActionSpec, ProbeSet } from "./engine.js";

export interface ActionEnv {
  profile: Profile;
  now(): number;
  /** The same probes the walk uses, so the status page is fetched once per run. */
  probes: ProbeSet;
  /** The interactive password reset, or a description of how to start one. */
  reset: ActionSpec;
  /** The language of the findings (English by default). */
  lang?: Lang;
}

/**
 * The enrollee type the member gave, if the walk asked: the answer to the support question, to an
 * `enrollee` question, or to a plan question of a branch (an id ending in `-plan`, such as
 * `fraud-plan` and `register-plan` in the built-in tree). "I don't know" leaves it unknown.
 */
export function enrolleeFrom(answers: Readonly<Record<string, string>>): Enrollee | undefined {
  const planIds = Object.keys(answers).filter((id) => id.endsWith("-plan"));
  for (const id of ["support", "enrollee", ...planIds]) {
    const value = answers[id];
    if (value === "commercial" || value === "medicare" || value === "tricare") return value;
  }
  return undefined;
}

/**
 * The lines to call for a topic, narrowed to the member's enrollee type when known. With a known
 * enrollee type the plan's own prescription line comes too: it is the one that member most needs.
 * Order: lines for the topic before the prescription lines added for the plan, and the plan's own
 * lines before shared ones. With the enrollee type unknown, lines only TRICARE members may use
 * come last, so a member who does not know their plan starts with the lines most members call
 * (the directory's advice, printed above them, names the number on the ID card first of all).
 */
export function contactsFor(
  profile: Profile,
  topic: ContactTopic | undefined,
  enrollee?: Enrollee,
): Contact[] {
  const all = profile.contacts.contacts;
  const topics = new Set<ContactTopic | undefined>([
    topic,
    ...(enrollee ? (["prescriptions"] as const) : []),
  ]);
  const matching = all.filter(
    (c) =>
      (!enrollee || c.enrollees.includes(enrollee)) &&
      (topic === undefined || [...topics].some((t) => t !== undefined && c.topics.includes(t))),
  );
  // A topic nobody covers for this enrollee type: fall back to every line for the enrollee type.
  const found = matching.length ? matching : filterContacts(all, { enrollee });
  const rank = (c: Contact): number => {
    const forTopic = topic === undefined || c.topics.includes(topic) ? 0 : 2;
    const own = enrollee
      ? c.enrollees.every((e) => e === enrollee)
        ? 0
        : 1
      : c.enrollees.every((e) => e === "tricare")
        ? 1
        : 0;
    return forTopic + own;
  };
  // Array.prototype.sort is stable: equal ranks keep the directory's order.
  return [...found].sort((a, b) => rank(a) - rank(b));
}

export function contactLine(c: Contact, lang: Lang = "en"): string {
  const tty = c.tty ? `, TTY ${c.tty}` : "";
  const hours = c.hours ? ` (${directoryWords(lang, c.hours)})` : "";
  return `${directoryWords(lang, c.name)}: ${c.phone}${tty}${hours}`;
}

export function createActions(aenv: ActionEnv): ActionSet {
  const lang = aenv.lang ?? "en";
  const t = doctorText.in(lang);
  return {
    reset: aenv.reset,
    contacts: {
      run: async ({ answers }) => {
        const enrollee = enrolleeFrom(answers);
        const lines = contactsFor(aenv.profile, undefined, enrollee);
        return {
          status: "done",
          summary: directoryWords(lang, aenv.profile.contacts.advice),
          details: lines.map((c) => contactLine(c, lang)),
          evidence: { enrollee, contacts: lines.map((c) => c.id) },
        };
      },
    },
    "lockout-time": {
      run: async ({ probes }) => {
        const until = probes.get("lockout")?.evidence?.lockedUntil;
        if (typeof until !== "string") {
          return {
            status: "skipped",
            summary: t.lockEndUnknown,
          };
        }
        const end = new Date(until);
        const left = Math.max(0, Math.round((end.getTime() - aenv.now()) / 1000));
        return {
          status: "done",
          summary: t.lockEnds(end, left),
          evidence: { lockedUntil: until, secondsLeft: left },
        };
      },
    },
    "check-link": {
      inputs: ["link"],
      run: async ({ inputs }): Promise<ActionFinding> => {
        const link = inputs.link ?? "";
        if (!link) {
          return {
            status: "skipped",
            summary: t.noLink,
          };
        }
        const { checkLink } = await import("./check-link.js");
        const verdict = await checkLink(link, aenv.profile.officialHosts);
        return {
          status: "done",
          summary: verdict.safe
            ? t.linkOfficial(verdict.hostDecoded)
            : verdict.verdict === "not-a-web-link"
              ? t.linkNotWeb(String(verdict.scheme))
              : t.linkSuspicious(verdict.hostDecoded),
          details: [...verdict.reasons, ...verdict.notes],
          evidence: { safe: verdict.safe, host: verdict.host, hostDecoded: verdict.hostDecoded },
        };
      },
    },
    status: {
      run: async (actx) => {
        const found = await aenv.probes.status.run({
          inputs: {},
          signal: actx.signal,
          runSignal: actx.signal,
        });
        return {
          status: found.outcome === "unknown" ? "failed" : "done",
          summary: found.summary,
          details: found.details,
          requestIds: found.requestIds,
        };
      },
    },
  };
}
