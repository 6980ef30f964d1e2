import { describe, expect, it } from "vitest";
import { ExitCode } from "../errors.js";
import type { AuthPolicy } from "../portal/schemas.js";
import {
  MIN_STRENGTH_SCORE,
  NewPasswordRefusedError,
  newPasswordProblems,
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
