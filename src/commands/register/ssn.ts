// The Social Security number: a secret. Read masked or from stdin, checked here, sent once, shown
// at most as its last four digits. Nothing in this file ever puts the number into a message.
import { UsageError } from "../../errors.js";

/** Why a typed SSN will not do, in words that never repeat it; undefined when it is fine. */
export function ssnProblem(value: string): string | undefined {
  const digits = value.replace(/[\s-]/g, "");
  if (!/^\d+$/.test(digits)) return "A Social Security number has only digits (dashes are fine).";
  if (digits.length !== 9) return `A Social Security number has 9 digits; that had ${digits.length}.`;
  return undefined;
}

/** Nine digits, dashes and spaces stripped; a one-line usage error (without the value) otherwise. */
export function parseSsn(value: string): string {
  const problem = ssnProblem(value);
  if (problem) throw new UsageError(`${problem} Nothing was sent.`);
  return value.replace(/[\s-]/g, "");
}

/** The most of it anyone is shown: "ending in 4321". */
export function ssnEnding(ssn: string): string {
  return `ending in ${ssn.slice(-4)}`;
}
