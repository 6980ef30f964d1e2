// Who is asking to recover an account: the flags of `username recover` and `reset request`
// checked and turned into the portal's request bodies. Wrong combinations are usage errors
// (exit 64) before anything is sent.
import { UsageError } from "../errors.js";

export interface IdentityFlags {
  email?: string;
  memberId?: string;
  dob?: string;
}

export type MemberIdentity = { memberId: string; dateOfBirth: string };
export type UsernameRecovery = { email: string } | MemberIdentity;

const DOB_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A yyyy-mm-dd date of birth that exists on the calendar and is not in the future. */
export function parseDateOfBirth(value: string, now: number): string {
  const trimmed = value.trim();
  const m = DOB_SHAPE.exec(trimmed);
  if (!m) throw new UsageError(`--dob "${value}" is not a date in the form yyyy-mm-dd, e.g. 1981-04-12.`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2023-02-30 over into March; a real date survives the round trip unchanged.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new UsageError(`--dob ${trimmed} is not a real date.`);
  }
  if (date.getTime() > now || year < 1900) {
    throw new UsageError(`--dob ${trimmed} cannot be a date of birth.`);
  }
  return trimmed;
}

function memberIdentity(flags: IdentityFlags, now: number): MemberIdentity | undefined {
  if (flags.memberId === undefined && flags.dob === undefined) return undefined;
  if (flags.memberId === undefined) throw new UsageError("--dob goes with --member-id <id>.");
  if (flags.dob === undefined) {
    throw new UsageError("--member-id needs --dob <yyyy-mm-dd> too (the date of birth on file).");
  }
  const memberId = flags.memberId.trim();
  if (memberId === "") throw new UsageError("--member-id is empty.");
  return { memberId, dateOfBirth: parseDateOfBirth(flags.dob, now) };
}

/** `username recover`: --email, or --member-id with --dob; exactly one of the two. */
export function usernameRecoveryIdentity(flags: IdentityFlags, now: number): UsernameRecovery {
  if (flags.email !== undefined && (flags.memberId !== undefined || flags.dob !== undefined)) {
    throw new UsageError("Give either --email, or --member-id with --dob, not both.");
  }
  if (flags.email !== undefined) {
    const email = flags.email.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      throw new UsageError(`--email "${flags.email}" is not an email address.`);
    }
    return { email };
  }
  const member = memberIdentity(flags, now);
  if (!member) {
    throw new UsageError(
      "Say how to find the account: --email <address>, or --member-id <id> with --dob <yyyy-mm-dd>.",
    );
  }
  return member;
}

/**
 * `reset request`: --username, or --member-id with --dob, or neither (the username then comes
 * from the profile, the last sign-in or a question).
 */
export function resetIdentity(
  flags: IdentityFlags & { username?: string },
  now: number,
): { username: string } | MemberIdentity | undefined {
  const member = memberIdentity(flags, now);
  if (member && flags.username !== undefined) {
    throw new UsageError("Give either --username, or --member-id with --dob, not both.");
  }
  if (member) return member;
  const username = usernameFlag(flags.username);
  return username === undefined ? undefined : { username };
}

/** --username as given, trimmed; an empty one is a mistake, not "use the default". */
export function usernameFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const username = value.trim();
  if (username === "") throw new UsageError("--username is empty.");
  return username;
}
