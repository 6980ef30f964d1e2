import { describe, expect, it } from "vitest";
import { ExitCode, UsageError } from "../errors.js";
import { parseDateOfBirth, resetIdentity, usernameFlag, usernameRecoveryIdentity } from "./identity.js";

const NOW = Date.parse("2026-11-23T12:00:00Z");

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    return (error as Error).message;
  }
  throw new Error("expected a usage error");
}

describe("parseDateOfBirth", () => {
  it("takes a real yyyy-mm-dd date, leap days included", () => {
    expect(parseDateOfBirth("1981-04-12", NOW)).toBe("1981-04-12");
    expect(parseDateOfBirth(" 2000-02-29 ", NOW)).toBe("2000-02-29");
  });

  it("refuses other shapes, impossible dates and future dates", () => {
    expect(usageMessage(() => parseDateOfBirth("12/04/1981", NOW))).toMatch(/yyyy-mm-dd/);
    expect(usageMessage(() => parseDateOfBirth("1981-4-12", NOW))).toMatch(/yyyy-mm-dd/);
    expect(usageMessage(() => parseDateOfBirth("2023-02-29", NOW))).toMatch(/not a real date/);
    expect(usageMessage(() => parseDateOfBirth("1981-13-01", NOW))).toMatch(/not a real date/);
    expect(usageMessage(() => parseDateOfBirth("1981-04-31", NOW))).toMatch(/not a real date/);
    expect(usageMessage(() => parseDateOfBirth("2027-01-01", NOW))).toMatch(/cannot be a date of birth/);
    expect(usageMessage(() => parseDateOfBirth("1066-10-14", NOW))).toMatch(/cannot be a date of birth/);
  });
});

describe("usernameRecoveryIdentity", () => {
  it("builds the body from --email or from --member-id with --dob", () => {
    expect(usernameRecoveryIdentity({ email: " pat@example.com " }, NOW)).toEqual({
      email: "pat@example.com",
    });
    expect(usernameRecoveryIdentity({ memberId: "SBX1", dob: "1981-04-12" }, NOW)).toEqual({
      memberId: "SBX1",
      dateOfBirth: "1981-04-12",
    });
  });

  it("refuses every wrong combination", () => {
    expect(usageMessage(() => usernameRecoveryIdentity({}, NOW))).toMatch(
      /--email <address>, or --member-id/,
    );
    expect(
      usageMessage(() =>
        usernameRecoveryIdentity({ email: "a@b.co", memberId: "X", dob: "1981-04-12" }, NOW),
      ),
    ).toMatch(/not both/);
    expect(usageMessage(() => usernameRecoveryIdentity({ email: "a@b.co", dob: "1981-04-12" }, NOW))).toMatch(
      /not both/,
    );
    expect(usageMessage(() => usernameRecoveryIdentity({ memberId: "X" }, NOW))).toMatch(/needs --dob/);
    expect(usageMessage(() => usernameRecoveryIdentity({ dob: "1981-04-12" }, NOW))).toMatch(
      /goes with --member-id/,
    );
    expect(usageMessage(() => usernameRecoveryIdentity({ memberId: " ", dob: "1981-04-12" }, NOW))).toMatch(
      /empty/,
    );
    expect(usageMessage(() => usernameRecoveryIdentity({ email: "pat.example.com" }, NOW))).toMatch(
      /not an email address/,
    );
  });
});

describe("resetIdentity", () => {
  it("takes --username, or --member-id with --dob, or nothing", () => {
    expect(resetIdentity({ username: " pat " }, NOW)).toEqual({ username: "pat" });
    expect(resetIdentity({ memberId: "SBX1", dob: "1981-04-12" }, NOW)).toEqual({
      memberId: "SBX1",
      dateOfBirth: "1981-04-12",
    });
    expect(resetIdentity({}, NOW)).toBeUndefined();
  });

  it("refuses both at once and an empty username", () => {
    expect(
      usageMessage(() => resetIdentity({ username: "pat", memberId: "X", dob: "1981-04-12" }, NOW)),
    ).toMatch(/not both/);
    expect(usageMessage(() => usernameFlag("  "))).toBe("--username is empty.");
  });
});
