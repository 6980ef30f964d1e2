// People the sandbox portal knows from the benefit records but who have no online account yet, and
// the fictional Social Security numbers of everyone it knows. Registration (POST /auth/register)
// matches a request against these by name, date of birth and member ID or SSN.
//
// Every SSN here is in 987-65-4320 to 987-65-4329, the block set aside for examples and
// advertising: none belongs to a real person.
import type { CanonicalIdCard } from "../portal/canonical.js";
import type { EnrolleeType, MfaChannel } from "../portal/schemas.js";

type Card = Omit<CanonicalIdCard, "memberId" | "name">;

export interface Registrant {
  memberId: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  ssn: string;
  enrolleeType: EnrolleeType;
  /** The benefit holder, or a dependent (who must be an adult, except under TRICARE). */
  relationship: "self" | "spouse" | "child";
  /** false: the benefit has ended; the portal answers not_eligible. */
  active: boolean;
  scenario: string;
}

/** `sandbox --seed <file>` may add registrants: the same fields, with these defaults. */
export const REGISTRANT_DEFAULTS = {
  relationship: "self",
  active: true,
  scenario: "registerable (from a seed file)",
} as const;

const card = (plan: string, group: string): Card => ({
  plan,
  group,
  bin: "999901",
  pcn: "SBXPCN",
  rxGroup: "SBXRX03",
  issuer: "Sandbox Pharmacy Benefits (fictional)",
  effectiveDate: "2025-01-01",
  helpPhone: "1-800-555-0100",
});

/** Not yet registered: one for each enrollee type, a TRICARE child, a minor and an ended benefit. */
export const registrants: readonly Registrant[] = [
  {
    memberId: "SBX300001",
    firstName: "Sam",
    lastName: "Newcomer",
    dateOfBirth: "1990-07-21",
    ssn: "987654321",
    enrolleeType: "commercial",
    relationship: "self",
    active: true,
    scenario: "registerable (commercial)",
  },
  {
    memberId: "SBX300002",
    firstName: "Morgan",
    lastName: "Elder",
    dateOfBirth: "1952-02-03",
    ssn: "987654322",
    enrolleeType: "medicare",
    relationship: "self",
    active: true,
    scenario: "registerable (Medicare)",
  },
  {
    memberId: "SBX300003",
    firstName: "Jordan",
    lastName: "Service",
    dateOfBirth: "1985-11-09",
    ssn: "987654323",
    enrolleeType: "tricare",
    relationship: "self",
    active: true,
    scenario: "registerable (TRICARE sponsor)",
  },
  {
    memberId: "SBX300003-02",
    firstName: "Riley",
    lastName: "Service",
    dateOfBirth: "2012-05-17",
    ssn: "987654324",
    enrolleeType: "tricare",
    relationship: "child",
    active: true,
    scenario: "registerable (TRICARE child: everyone with benefits has their own account)",
  },
  {
    memberId: "SBX300004-02",
    firstName: "Avery",
    lastName: "Young",
    dateOfBirth: "2013-08-30",
    ssn: "987654325",
    enrolleeType: "commercial",
    relationship: "child",
    active: true,
    scenario: "not eligible (a commercial plan's child: the benefit holder's account covers them)",
  },
  {
    memberId: "SBX300005",
    firstName: "Dana",
    lastName: "Lapsed",
    dateOfBirth: "1977-03-14",
    ssn: "987654326",
    enrolleeType: "commercial",
    relationship: "self",
    active: false,
    scenario: "not eligible (the benefit ended)",
  },
];

/** The fictional SSNs of seeded members who already have an account (409 already_registered). */
export const registeredSsns: Readonly<Record<string, string>> = {
  SBX100001: "987654320",
  SBX100002: "987654327",
};

/** What a new account gets: the plan's card, e-mail codes on (two-step verification is required). */
export function newAccountDefaults(r: Registrant): {
  card: Card;
  mfa: MfaChannel[];
  name: string;
} {
  return {
    card: card(
      r.enrolleeType === "tricare"
        ? "Sandbox TRICARE Pharmacy (fictional)"
        : r.enrolleeType === "medicare"
          ? "Sandbox Medicare Part D (fictional)"
          : "Sandbox Choice PPO",
      "SBXGRP03",
    ),
    mfa: ["email"],
    name: `${r.firstName} ${r.lastName}`,
  };
}

/** Years completed on `today` (yyyy-mm-dd), for the adult-dependent rule. */
export function ageOn(dateOfBirth: string, today: string): number {
  const [y, m, d] = dateOfBirth.split("-").map(Number);
  const [ty, tm, td] = today.split("-").map(Number);
  let age = (ty ?? 0) - (y ?? 0);
  if ((tm ?? 0) < (m ?? 0) || ((tm ?? 0) === (m ?? 0) && (td ?? 0) < (d ?? 0))) age -= 1;
  return age;
}
