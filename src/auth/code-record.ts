// What rxportal saw the last time a sign-in code was refused, per profile and username, so the
// doctor can say what went wrong instead of guessing: "a new code was requested at 20:01 and the
// code typed at 20:02 was refused" is nearly always an older code. Kept in a private file (0600);
// it holds times and the portal's error code, never a code itself.
//
// code-refusals.json: a damaged or unreadable file reads as empty (as it always did: the doctor
// then has no story to tell, nothing worse); an entry of the wrong shape is dropped on read.
import { join } from "node:path";
import { type DataDirOf, jsonStore } from "../state/json-store.js";
import { check, object, optional, recordOf, string } from "../state/shapes.js";

export interface CodeRefusal {
  /** When the portal refused the code (ISO time). */
  at: string;
  /** invalid_code or challenge_expired. */
  problem: string;
  /** When the member last asked for a new code during that sign-in, if they did. */
  resentAt?: string;
  /** When the first code of that sign-in was sent. */
  firstSentAt: string;
  requestId?: string;
}

// Checked by hand (src/state/shapes.ts), without zod: a sign-in that needs no code clears it.
export const CodeRefusalSchema = object<CodeRefusal>({
  at: string,
  problem: string,
  resentAt: optional(string),
  firstSentAt: string,
  requestId: optional(string),
});

/** "<profile>\0<username in lower case>" → the last refusal. */
export const CodeRefusalsFileSchema = check((value) => {
  const record = recordOf(value);
  if (!record) return undefined;
  const kept: Record<string, CodeRefusal> = {};
  for (const [key, entry] of Object.entries(record)) {
    const parsed = CodeRefusalSchema.safeParse(entry);
    if (parsed.success) kept[key] = parsed.data;
  }
  return kept;
});

const key = (profile: string, username: string) => `${profile}\u0000${username.toLowerCase()}`;
const storeOf = (where: DataDirOf) =>
  jsonStore(join(where.paths.dataDir, "code-refusals.json"), CodeRefusalsFileSchema, {
    empty: (): Record<string, CodeRefusal> => ({}),
  });

export async function recordCodeRefusal(
  where: DataDirOf,
  profile: string,
  username: string,
  refusal: CodeRefusal,
): Promise<void> {
  await storeOf(where).update((data) => {
    data[key(profile, username)] = refusal;
    return data;
  });
}

export async function lastCodeRefusal(
  where: DataDirOf,
  profile: string,
  username: string,
): Promise<CodeRefusal | undefined> {
  const data = await storeOf(where).read();
  return Object.hasOwn(data, key(profile, username)) ? data[key(profile, username)] : undefined;
}

/** After a successful sign-in the old story no longer helps anybody. */
export async function clearCodeRefusal(where: DataDirOf, profile: string, username: string) {
  await storeOf(where).update((data) => {
    if (!data[key(profile, username)]) return undefined;
    delete data[key(profile, username)];
    return data;
  });
}
