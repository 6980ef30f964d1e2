// Checks a new password against the published policy (GET /auth/policy), naming each broken rule
// after the policy field it comes from so a client can explain it next to the policy it shows.
import type { CanonicalAuthPolicy as AuthPolicy } from "../portal/canonical.js";

export interface PolicyViolation {
  rule: string;
  message: string;
}

type PasswordClass = AuthPolicy["password"]["requireClasses"][number];

const CLASS_TESTS: Record<PasswordClass, RegExp> = {
  lower: /[a-z]/,
  upper: /[A-Z]/,
  digit: /[0-9]/,
  symbol: /[^A-Za-z0-9]/,
};
const CLASS_NAMES: Record<PasswordClass, string> = {
  lower: "a lower-case letter",
  upper: "an upper-case letter",
  digit: "a digit",
  symbol: "a symbol",
};

export function checkPassword(password: string, username: string, policy: AuthPolicy): PolicyViolation[] {
  const rules = policy.password;
  const violations: PolicyViolation[] = [];
  // Count code points, not UTF-16 units, so an emoji is one character as the member sees it.
  const length = [...password].length;
  if (length < rules.minLength) {
    violations.push({ rule: "minLength", message: `Use at least ${rules.minLength} characters.` });
  }
  if (length > rules.maxLength) {
    violations.push({ rule: "maxLength", message: `Use at most ${rules.maxLength} characters.` });
  }
  for (const required of rules.requireClasses) {
    if (!CLASS_TESTS[required].test(password)) {
      violations.push({ rule: "requireClasses", message: `Include ${CLASS_NAMES[required]}.` });
    }
  }
  const present = (Object.keys(CLASS_TESTS) as PasswordClass[]).filter((c) => CLASS_TESTS[c].test(password));
  if (present.length < rules.minClasses) {
    violations.push({
      rule: "minClasses",
      message: `Mix at least ${rules.minClasses} of: lower-case letters, upper-case letters, digits, symbols.`,
    });
  }
  if (
    rules.disallowUsername &&
    username.length > 0 &&
    password.toLowerCase().includes(username.toLowerCase())
  ) {
    violations.push({ rule: "disallowUsername", message: "Do not include your username." });
  }
  return violations;
}
