// Whom the doctor tells the member to call: the enrollee type from the walk's answers, and the
// order of the lines (the plan's own first; with the plan unknown, TRICARE-only lines last).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Profile } from "../config/load.js";
import { builtinContacts } from "../contacts/builtin.js";
import { type Contact, contactTopics, enrolleeTypes } from "../contacts/types.js";
import { contactsFor, enrolleeFrom } from "./actions.js";

const profileWith = (contacts: Contact[]) =>
  ({ contacts: { advice: builtinContacts.advice, contacts } }) as unknown as Profile;
const builtin = profileWith(builtinContacts.contacts);
const ids = (lines: Contact[]) => lines.map((c) => c.id);

describe("enrolleeFrom", () => {
  it("reads the support question, an enrollee question, or a branch's plan question", () => {
    expect(enrolleeFrom({ support: "medicare" })).toBe("medicare");
    expect(enrolleeFrom({ enrollee: "tricare" })).toBe("tricare");
    expect(enrolleeFrom({ "fraud-plan": "commercial" })).toBe("commercial");
    expect(enrolleeFrom({ start: "register", "register-plan": "medicare" })).toBe("medicare");
  });
  it('leaves the type unknown for "I don\'t know" and for answers that are not a plan', () => {
    expect(enrolleeFrom({ support: "unsure" })).toBeUndefined();
    expect(enrolleeFrom({ "fraud-plan": "unsure", browser: "chrome" })).toBeUndefined();
    expect(enrolleeFrom({ start: "other", medicare: "yes" })).toBeUndefined();
  });
});

describe("contactsFor with the built-in directory", () => {
  it("with the plan unknown, leads with web support, not the TRICARE line", () => {
    expect(ids(contactsFor(builtin, "website"))).toEqual(["web-support", "tricare"]);
    expect(ids(contactsFor(builtin, "registration"))).toEqual([
      "registration",
      "registration-medicare",
      "tricare",
    ]);
  });
  it("gives each plan its own lines first", () => {
    expect(ids(contactsFor(builtin, "registration", "medicare"))).toEqual([
      "registration-medicare",
      "medicare",
      "pharmacy",
    ]);
    expect(ids(contactsFor(builtin, "security", "medicare"))).toEqual(["medicare", "pharmacy"]);
    expect(ids(contactsFor(builtin, "security", "commercial"))).toEqual(["pharmacy"]);
    expect(ids(contactsFor(builtin, "website", "tricare"))).toEqual(["tricare"]);
  });
});

describe("contactsFor on generated directories (property)", () => {
  const contact: fc.Arbitrary<Contact> = fc.record({
    id: fc.stringMatching(/^[a-z]{1,6}$/),
    name: fc.constant("Line"),
    purpose: fc.constant("Help."),
    phone: fc.constant("(800) 555-0100"),
    enrollees: fc.uniqueArray(fc.constantFrom(...enrolleeTypes), { minLength: 1, maxLength: 3 }),
    topics: fc.uniqueArray(fc.constantFrom(...contactTopics), { minLength: 1, maxLength: 5 }),
  });
  const directory = fc.array(contact, { minLength: 1, maxLength: 12 });
  const topic = fc.option(fc.constantFrom(...contactTopics), { nil: undefined });
  const enrollee = fc.option(fc.constantFrom(...enrolleeTypes), { nil: undefined });

  it("returns lines of the directory, each once, for the member's plan, in a reasoned order", () => {
    fc.assert(
      fc.property(directory, topic, enrollee, (all, t, e) => {
        const found = contactsFor(profileWith(all), t, e);
        // Only directory entries, none twice, none lost relative to the plain filter.
        expect(found.every((c) => all.includes(c))).toBe(true);
        expect(new Set(found).size).toBe(found.length);
        if (e) expect(found.every((c) => c.enrollees.includes(e))).toBe(true);
        const forTopic = (c: Contact) => t === undefined || c.topics.includes(t);
        // Lines for the topic come before the prescription lines added for the plan.
        const firstOther = found.findIndex((c) => !forTopic(c));
        if (firstOther >= 0) expect(found.slice(firstOther).every((c) => !forTopic(c))).toBe(true);
        if (e === undefined) {
          const tricareOnly = (c: Contact) => c.enrollees.every((x) => x === "tricare");
          // Within the topic's lines, no TRICARE-only line comes before a line other members use.
          const topical = found.filter(forTopic);
          const firstTricare = topical.findIndex(tricareOnly);
          if (firstTricare >= 0) expect(topical.slice(firstTricare).every(tricareOnly)).toBe(true);
        } else {
          const own = (c: Contact) => c.enrollees.every((x) => x === e);
          for (const group of [found.filter(forTopic), found.filter((c) => !forTopic(c))]) {
            const firstShared = group.findIndex((c) => !own(c));
            if (firstShared >= 0) expect(group.slice(firstShared).every((c) => !own(c))).toBe(true);
          }
        }
      }),
      { numRuns: 500, seed: 12 },
    );
  });
});
