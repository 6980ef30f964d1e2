// Offline copies of the prescription ID card, for the day the portal is down or sign-in fails and
// the pharmacy counter still needs the BIN, PCN and group. One file per profile and member under
// the data dir, folder 0700, file 0600 (the card is health information), written atomically.
// A saved card that cannot be read or is not a card is an error (exit 1, "save a new copy"), as it
// always was; where a search passes over other members' files, their damage is skipped.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import * as z from "zod/mini";
import "../zod-messages.js";
import { CliError, ExitCode } from "../errors.js";
import { type IdCard, IdCardSchema } from "../portal/schemas.js";
import { type JsonStore, jsonStore } from "../state/json-store.js";

export const SavedIdCardSchema = z.object({
  version: z.literal(1),
  savedAt: z.iso.datetime({ offset: true }),
  profile: z.string(),
  /** Who was signed in when it was saved; not a secret, used to pick "my" card offline. */
  username: z.optional(z.string()),
  /** The signed-in member's own card (saved without --member), as opposed to a dependent's. */
  self: z.boolean(),
  card: IdCardSchema,
});
export type SavedIdCard = z.infer<typeof SavedIdCardSchema>;

export function idCardDir(dataDir: string): string {
  return join(dataDir, "id-cards");
}

/**
 * Profile and member ids come from config and flags: keep letters, digits, "-" and "_", and
 * percent-encode everything else (dots and slashes included), so a name can never climb out of the
 * folder and "<profile>.<member>.json" splits one way only.
 */
export function fileSafe(text: string): string {
  return [...text]
    .map((ch) =>
      /[A-Za-z0-9_-]/.test(ch)
        ? ch
        : [...Buffer.from(ch, "utf8")]
            .map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`)
            .join(""),
    )
    .join("");
}

export function idCardFile(dataDir: string, profile: string, memberId: string): string {
  return join(idCardDir(dataDir), `${fileSafe(profile)}.${fileSafe(memberId)}.json`);
}

export interface SaveIdCardInput {
  dataDir: string;
  profile: string;
  username?: string;
  self: boolean;
  card: IdCard;
  now: number;
}

/** Saves (or replaces) the offline copy of one member's card; returns where and when. */
export async function saveIdCard(input: SaveIdCardInput): Promise<{ file: string; saved: SavedIdCard }> {
  const file = idCardFile(input.dataDir, input.profile, input.card.memberId);
  // Saving one's own card with --member <own id> must not lose the mark that it is "mine".
  const previous = await readSavedFile(file).catch(() => undefined);
  const saved: SavedIdCard = {
    version: 1,
    savedAt: new Date(input.now).toISOString(),
    profile: input.profile,
    username: input.username,
    self: input.self || (previous?.self === true && previous.username === input.username),
    card: input.card,
  };
  await storeOf(file).write(saved);
  return { file, saved };
}

function storeOf(file: string): JsonStore<SavedIdCard | undefined> {
  return jsonStore<SavedIdCard | undefined>(file, SavedIdCardSchema, {
    empty: () => undefined,
    invalid: ({ cause }) => {
      throw damaged(file, cause);
    },
  });
}

async function readSavedFile(file: string): Promise<SavedIdCard | undefined> {
  return storeOf(file).read();
}

function damaged(file: string, cause: unknown): CliError {
  return new CliError(`The saved ID card ${file} cannot be read.`, ExitCode.refused, {
    hint: "Save a new copy with `rxportal id-card --save` when you can sign in.",
    cause,
  });
}

export interface FindIdCardInput {
  dataDir: string;
  profile: string;
  /** A dependent's (or one's own) member id; absent: the signed-in member's own card. */
  memberId?: string;
  /** The username in force, when known without asking: picks between several people's own cards. */
  username?: string;
}

/** The saved copy that `id-card --offline` would show, or undefined when there is none. */
export async function findSavedIdCard(
  input: FindIdCardInput,
): Promise<{ file: string; saved: SavedIdCard } | undefined> {
  if (input.memberId !== undefined) {
    const file = idCardFile(input.dataDir, input.profile, input.memberId);
    const saved = await readSavedFile(file);
    return saved && { file, saved };
  }
  const prefix = `${fileSafe(input.profile)}.`;
  let names: string[];
  try {
    names = await readdir(idCardDir(input.dataDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const own: { file: string; saved: SavedIdCard }[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".json")) continue;
    const file = join(idCardDir(input.dataDir), name);
    // Another member's damaged file must not hide this member's good one.
    const saved = await readSavedFile(file).catch(() => undefined);
    if (saved?.self && saved.profile === input.profile) own.push({ file, saved });
  }
  // Several people may use one profile on this computer: never show one of them another's card.
  const mine =
    input.username === undefined
      ? own
      : own.filter((c) => c.saved.username?.toLowerCase() === input.username?.toLowerCase());
  return mine.sort((a, b) => Date.parse(b.saved.savedAt) - Date.parse(a.saved.savedAt))[0];
}
