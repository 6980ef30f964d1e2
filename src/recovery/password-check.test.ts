import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cases } from "../../test/helpers/cases.js";
import { ExitCode } from "../errors.js";
import type { AuthPolicy } from "../portal/schemas.js";
import {
  MIN_STRENGTH_SCORE,
  NewPasswordRefusedError,
  newPasswordProblems,
  type PersonalDetails,
  personalProblems,
  policyProblems,
  rateStrength,
} from "./password-check.js";

const RULES: AuthPolicy["password"] = {
  minLength: 12,
  maxLength: 64,
  requireClasses: [],
  minClasses: 3,
  disallowUsername: true,
};
const rules = (pw: string, username = "pat.sample", r = RULES) =>
  policyProblems(pw, username, r).map((p) => p.rule);

describe("policyProblems", () => {
  it("passes a password that meets every rule", () => {
    expect(policyProblems("Lantern-Orbit-42", "pat.sample", RULES)).toEqual([]);
  });

  it("names each broken rule with the numbers involved", () => {
    const problems = policyProblems("abc", "pat.sample", RULES);
    expect(problems.map((p) => p.rule)).toEqual(["minLength", "minClasses"]);
    expect(problems[0]?.message).toBe("It has 3 characters; the portal needs at least 12.");
    expect(problems[1]?.message).toMatch(/uses 1 kind of character; mix at least 3/);
    const long = policyProblems(`Ab1-${"z".repeat(61)}`, "pat.sample", RULES);
    expect(long).toEqual([
      { rule: "maxLength", message: "It has 65 characters; the portal takes at most 64." },
    ]);
  });

  it("lists every broken rule at once, one per missing required class", () => {
    const strict: AuthPolicy["password"] = {
      ...RULES,
      requireClasses: ["upper", "digit", "symbol"],
      minClasses: 4,
    };
    const problems = policyProblems("pat.sample", "PAT.SAMPLE", strict);
    expect(problems.map((p) => p.rule)).toEqual([
      "minLength",
      "requireClasses",
      "requireClasses",
      "minClasses",
      "disallowUsername",
    ]);
    expect(problems.map((p) => p.message).join(" ")).toMatch(/a capital letter.*a digit/);
    // "." counts as a symbol, so only the capital and the digit are missing.
    expect(problems.filter((p) => p.rule === "requireClasses")).toHaveLength(2);
  });

  it("finds the username in any case, and only when the policy forbids it", () => {
    expect(rules("xx-Pat.Sample-99Q")).toEqual(["disallowUsername"]);
    expect(rules("xx-Pat.Sample-99Q", "pat.sample", { ...RULES, disallowUsername: false })).toEqual([]);
  });

  it("counts characters as a person does, not UTF-16 units", () => {
    expect(rules("Ab1-😀😀😀😀😀😀😀😀")).toEqual([]);
    expect(rules("Ab1-😀😀😀😀")).toEqual(["minLength"]);
  });
});

describe("rateStrength and newPasswordProblems", () => {
  it("rates a common pattern low with its advice in plain words, a long mix high", async () => {
    const weak = await rateStrength("Password123!x", "pat.sample");
    expect(weak.score).toBeLessThan(MIN_STRENGTH_SCORE);
    expect(weak.warning).toBe("This is close to a commonly used password.");
    expect(weak.suggestions.length).toBeGreaterThan(0);
    // Sentences of ours, not zxcvbn's raw keys such as "anotherWord".
    for (const suggestion of weak.suggestions) expect(suggestion).toMatch(/^[A-Z].* .*\.$/);
    expect((await rateStrength("Lantern-Orbit-Maple-42", "pat.sample")).score).toBe(4);
  });

  it("counts the username against the password even where the policy allows it", async () => {
    const withName = await rateStrength("Pat.Sample-2026", "pat.sample");
    const without = await rateStrength("Pat.Sample-2026", "someone.else");
    expect(withName.score).toBeLessThan(without.score);
  });

  it("refuses a weak password that meets the policy, with zxcvbn's feedback", async () => {
    const problems = await newPasswordProblems("Password123!x", "pat.sample", RULES);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.rule).toBe("strength");
    expect(problems[0]?.message).toMatch(
      /easy to guess \(strength [0-2] of 4; rxportal asks for at least 3\)/,
    );
    expect(problems[0]?.message).toMatch(/close to a commonly used password/);
  });

  it("reports broken rules without rating strength, and passes a strong password", async () => {
    expect((await newPasswordProblems("short", "pat.sample", RULES)).map((p) => p.rule)).toEqual([
      "minLength",
      "minClasses",
    ]);
    expect(await newPasswordProblems("Lantern-Orbit-Maple-42", "pat.sample", RULES)).toEqual([]);
  });

  it("makes an exit-1 error whose code tells policy from strength", () => {
    const weak = new NewPasswordRefusedError([{ rule: "strength", message: "It would be easy to guess." }]);
    expect(weak.exitCode).toBe(ExitCode.refused);
    expect(weak.code).toBe("password_too_weak");
    const broken = new NewPasswordRefusedError([
      { rule: "minLength", message: "Too short." },
      { rule: "minClasses", message: "Too plain." },
    ]);
    expect(broken.code).toBe("password_policy");
    expect(broken.message).toBe("The new password was not sent. Too short. Too plain.");
  });
});

describe("personal details (registration)", () => {
  const PAT: PersonalDetails = { firstName: "Pat", lastName: "Sample", dateOfBirth: "1981-04-12" };

  it("refuses Pat-Sample-1981-04-12 for Pat Sample born 1981-04-12, naming every reason", async () => {
    const problems = await newPasswordProblems("Pat-Sample-1981-04-12", "pat.sample", RULES, PAT);
    const messages = problems.map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        "It contains your first name.",
        "It contains your last name.",
        "It contains your date of birth.",
      ]),
    );
    // The policy alone lets it through, and so does zxcvbn's score (it is long): only the
    // personal check stands between it and the portal.
    expect(policyProblems("Pat-Sample-1981-04-12", "pat.sample", RULES)).toEqual([]);
    expect((await rateStrength("Pat-Sample-1981-04-12", "pat.sample", PAT)).score).toBeGreaterThanOrEqual(3);
    expect(problems.map((p) => p.rule)).toEqual(["personal", "personal", "personal"]);
    expect(new NewPasswordRefusedError(problems).message).toContain("It contains your last name.");
  });

  it("reset's checks are unchanged when no personal details are given", async () => {
    expect(await newPasswordProblems("Pat-Sample-1981-04-12", "pat.sample", RULES)).not.toContainEqual(
      expect.objectContaining({ rule: "personal" }),
    );
  });

  it("names the birth year, or the day and month, when the full date is not there", () => {
    expect(personalProblems("Blue-Otter-1981!", PAT).map((p) => p.message)).toEqual([
      "It contains the year you were born.",
    ]);
    expect(personalProblems("Blue-Otter-12/04!", PAT).map((p) => p.message)).toEqual([
      "It contains your birthday (the day and month).",
    ]);
    expect(personalProblems("SAMPLE_otter_kite", PAT).map((p) => p.message)).toEqual([
      "It contains your last name.",
    ]);
  });

  // Generated members: names of letters (accents included), a real date, and a password built
  // from their details with any separators and capitals. Each must be refused, by name.
  const nameArb = fc
    .tuple(fc.constantFrom(..."ABCDEFGHIJKLMNOPRSTVWZ"), fc.stringMatching(/^[a-zéèöñ]{2,9}$/))
    .map(([first, rest]) => first + rest);
  const dateArb = fc
    .date({
      min: new Date("1920-01-01T00:00:00Z"),
      max: new Date("2007-12-31T00:00:00Z"),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10));
  const sepArb = fc.constantFrom("-", ".", "_", "!", "", "/", " ", "#", "@");
  const caseArb = fc.constantFrom(
    (s: string) => s,
    (s: string) => s.toUpperCase(),
    (s: string) => s.toLowerCase(),
  );

  it("refuses every password built from a generated member's names and date of birth", async () => {
    await fc.assert(
      fc.asyncProperty(
        nameArb,
        nameArb,
        dateArb,
        sepArb,
        caseArb,
        fc.constantFrom("ymd", "mdy", "dmy", "y"),
        async (first, last, dob, sep, cased, order) => {
          const [y = "", m = "", d = ""] = dob.split("-");
          const date = { ymd: [y, m, d], mdy: [m, d, y], dmy: [d, m, y], y: [y] }[order].join(sep);
          const password = [cased(first), cased(last), date].join(sep);
          const personal = { firstName: first, lastName: last, dateOfBirth: dob };
          const problems = await newPasswordProblems(password, "someone.else", RULES, personal);
          expect(problems.length).toBeGreaterThan(0);
          const messages = problems.map((p) => p.message);
          expect(messages).toContain("It contains your first name.");
          expect(messages).toContain("It contains your last name.");
          expect(messages.some((msg) => /date of birth|year you were born/.test(msg))).toBe(true);
        },
      ),
      { numRuns: cases(200) },
    );
    // zxcvbn scores each generated password: CPU-bound, slow on a loaded machine.
  }, 90_000);

  it("accepts strong random passwords that hold none of the member's details", async () => {
    const chars = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-!#%+=";
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...chars), { minLength: 20, maxLength: 28 }).map((a) => a.join("")),
        nameArb,
        nameArb,
        dateArb,
        async (password, first, last, dob) => {
          const personal = { firstName: first, lastName: last, dateOfBirth: dob };
          fc.pre(personalProblems(password, personal).length === 0);
          fc.pre(policyProblems(password, "someone.else", RULES).length === 0);
          expect(await newPasswordProblems(password, "someone.else", RULES, personal)).toEqual([]);
        },
      ),
      { numRuns: cases(100) },
    );
  }, 90_000);
});
