import { describe, expect, it } from "vitest";
import type { CanonicalAuthPolicy as AuthPolicy } from "../portal/canonical.js";
import { checkPassword } from "./password-policy.js";
import { sandboxPolicy } from "./seed.js";

const rules = (pw: string, username = "pat.sample", policy: AuthPolicy = sandboxPolicy) =>
  checkPassword(pw, username, policy).map((v) => v.rule);

describe("checkPassword", () => {
  it("accepts a long password with three classes", () => {
    expect(rules("Correct-Horse-7")).toEqual([]);
  });
  it("names each broken rule after its policy field", () => {
    expect(rules("Ab1-")).toEqual(["minLength"]);
    expect(rules(`Ab1-${"z".repeat(61)}`)).toEqual(["maxLength"]);
    expect(rules("onlylowercaseletters")).toEqual(["minClasses"]);
    expect(rules("xx-PAT.SAMPLE-99")).toEqual(["disallowUsername"]);
  });
  it("checks required classes when the policy names some", () => {
    const policy: AuthPolicy = {
      ...sandboxPolicy,
      password: { ...sandboxPolicy.password, requireClasses: ["digit", "symbol"], minClasses: 0 },
    };
    expect(rules("NoDigitsOrSymbols", "someone", policy)).toEqual(["requireClasses", "requireClasses"]);
  });
  it("counts characters as the member sees them", () => {
    expect(rules("Ab1-😀😀😀😀😀😀😀😀")).toEqual([]);
    expect(rules("Ab1-😀😀😀😀")).toEqual(["minLength"]);
  });
  it("gives a readable message with each rule", () => {
    expect(checkPassword("short", "x", sandboxPolicy)[0]?.message).toBe("Use at least 12 characters.");
  });
});
