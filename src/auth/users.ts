// The last username signed in per profile (users.json in the data dir): not a secret, kept so that
// `rxportal refill list` needs no flags. A damaged or unreadable file is treated as empty (as it
// always was): the next sign-in writes a good one, and a missing name only means one more prompt.
// Checked with zod/mini, as the credential store and the portal schemas on the same paths are.
import { join } from "node:path";
import * as z from "zod/mini";
import "../zod-messages.js";
import { type DataDirOf, jsonStore } from "../state/json-store.js";

/** users.json: profile name → username. Entries that are not strings are dropped on read. */
export const UsersFileSchema = z.pipe(
  z.record(z.string(), z.unknown()),
  z.transform((data: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(data).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
    ),
  ),
);
export type UsersFile = z.infer<typeof UsersFileSchema>;

export function usersStore(where: DataDirOf) {
  return jsonStore<UsersFile>(join(where.paths.dataDir, "users.json"), UsersFileSchema, {
    empty: () => ({}),
  });
}

export async function lastUsername(where: DataDirOf, profile: string): Promise<string | undefined> {
  const data = await usersStore(where).read();
  // Own keys only: a profile named "constructor" is a name, not a property of Object.
  return Object.hasOwn(data, profile) ? data[profile] : undefined;
}

export async function rememberUsername(where: DataDirOf, profile: string, username: string | undefined) {
  await usersStore(where).update((data) => {
    const known = Object.hasOwn(data, profile) ? data[profile] : undefined;
    // The same name again (every unattended sign-in): the file stays as it is, unwritten.
    if (known === username) return undefined;
    if (username === undefined) delete data[profile];
    else data[profile] = username;
    return data;
  });
}
