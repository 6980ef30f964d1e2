// The last username signed in per profile (users.json in the data dir): not a secret, kept so that
// `rxportal refill list` needs no flags. A damaged or unreadable file is treated as empty (as it
// always was): the next sign-in writes a good one, and a missing name only means one more prompt.
// Checked by hand (src/state/shapes.ts), without zod: every sign-in reads it.
import { join } from "node:path";
import { type DataDirOf, jsonStore } from "../state/json-store.js";
import { check, recordOf } from "../state/shapes.js";

/** users.json: profile name → username. */
export type UsersFile = Record<string, string>;

/** users.json's check: an object; entries that are not strings are dropped on read. */
export const UsersFileSchema = check<UsersFile>((value) => {
  const record = recordOf(value);
  if (!record) return undefined;
  return Object.fromEntries(
    Object.entries(record).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
});

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
