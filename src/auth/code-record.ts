// What rxportal saw the last time a sign-in code was refused, per profile and username, so the
// doctor can say what went wrong instead of guessing: "a new code was requested at 20:01 and the
// code typed at 20:02 was refused" is nearly always an older code. Kept in a private file (0600);
// it holds times and the portal's error code, never a code itself.
import { join } from "node:path";
import { readJsonFile, writePrivateFile } from "../state/files.js";

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

const key = (profile: string, username: string) => `${profile}\u0000${username.toLowerCase()}`;
/** Where rxportal keeps its state files. */
type StateDir = { paths: { dataDir: string } };

const fileOf = (ctx: StateDir) => join(ctx.paths.dataDir, "code-refusals.json");

async function load(ctx: StateDir): Promise<Record<string, CodeRefusal>> {
  const data = await readJsonFile(fileOf(ctx)).catch(() => undefined);
  return data && typeof data === "object" ? (data as Record<string, CodeRefusal>) : {};
}

export async function recordCodeRefusal(
  ctx: StateDir,
  profile: string,
  username: string,
  refusal: CodeRefusal,
): Promise<void> {
  const data = await load(ctx);
  data[key(profile, username)] = refusal;
  await writePrivateFile(fileOf(ctx), `${JSON.stringify(data, null, 2)}\n`);
}

export async function lastCodeRefusal(
  ctx: StateDir,
  profile: string,
  username: string,
): Promise<CodeRefusal | undefined> {
  return (await load(ctx))[key(profile, username)];
}

/** After a successful sign-in the old story no longer helps anybody. */
export async function clearCodeRefusal(ctx: StateDir, profile: string, username: string) {
  const data = await load(ctx);
  if (!data[key(profile, username)]) return;
  delete data[key(profile, username)];
  await writePrivateFile(fileOf(ctx), `${JSON.stringify(data, null, 2)}\n`);
}
