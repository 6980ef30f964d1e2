// What rxportal saw the last time a sign-in code was refused, per profile and username, so the
// doctor can say what went wrong instead of guessing: "a new code was requested at 20:01 and the
// code typed at 20:02 was refused" is nearly always an older code. Kept in a private file (0600);
// it holds times and the portal's error code, never a code itself.
//
// code-refusals.json: a damaged or unreadable file reads as empty (as it always did: the doctor
// then has no story to tell, nothing worse); an entry of the wrong shape is dropped on read.
import { join } from "node:path";
import * as z from "zod/mini";
import "../zod-messages.js";
import { type DataDirOf, jsonStore } from "../state/json-store.js";

export const CodeRefusalSchema = z.lazy(() =>
  z.object({
    /** When the portal refused the code (ISO time). */
    at: z.string(),
    /** invalid_code or challenge_expired. */
    problem: z.string(),
    /** When the member last asked for a new code during that sign-in, if they did. */
    resentAt: z.optional(z.string()),
    /** When the first code of that sign-in was sent. */
    firstSentAt: z.string(),
    requestId: z.optional(z.string()),
  }),
);
export type CodeRefusal = z.infer<typeof CodeRefusalSchema>;

/** "<profile>\0<username in lower case>" → the last refusal. */
export const CodeRefusalsFileSchema = z.lazy(() =>
  z.pipe(
    z.record(z.string(), z.unknown()),
    z.transform((data: Record<string, unknown>) => {
      const kept: Record<string, CodeRefusal> = {};
      for (const [key, value] of Object.entries(data)) {
        const entry = CodeRefusalSchema.safeParse(value);
        if (entry.success) kept[key] = entry.data;
      }
      return kept;
    }),
  ),
);

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
