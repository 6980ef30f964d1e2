// The emergency kit: the ID card and the medication list, kept offline per profile and member, for
// the evening sign-in fails and a pharmacist asks what the member takes. Same rules as the ID card
// copy (id-card-store.ts): folder 0700, file 0600, written atomically, health information that
// goes to stdout only. A kit that cannot be read is an error (exit 1, "save a new one").
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import * as z from "zod/mini";
import "../zod-messages.js";
import { CliError, ExitCode } from "../errors.js";
import { type IdCard, IdCardSchema, type Prescription } from "../portal/schemas.js";
import { type JsonStore, jsonStore } from "../state/json-store.js";
import { fileSafe } from "./id-card-store.js";

const Day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

/** One medicine as the kit keeps it: what a pharmacist needs to see, nothing about ordering. */
export const KitMedicationSchema = z.object({
  rxId: z.string(),
  drug: z.string(),
  strength: z.string(),
  quantity: z.int().check(z.gte(0)),
  daysSupply: z.int().check(z.gte(0)),
  refillsRemaining: z.optional(z.int().check(z.gte(0))),
  /** Only when the portal gives them (today's contract does not). */
  prescriber: z.optional(z.string()),
  pharmacy: z.optional(z.string()),
  lastFilled: z.optional(Day),
  nextEligibleDate: z.optional(Day),
  status: z.string(),
});
export type KitMedication = z.infer<typeof KitMedicationSchema>;

export const SavedKitSchema = z.object({
  version: z.literal(1),
  savedAt: z.iso.datetime({ offset: true }),
  profile: z.string(),
  username: z.optional(z.string()),
  /** The signed-in member's own kit (saved without --member), as opposed to a dependent's. */
  self: z.boolean(),
  memberId: z.string(),
  card: IdCardSchema,
  medications: z.array(KitMedicationSchema),
});
export type SavedKit = z.infer<typeof SavedKitSchema>;

export function kitDir(dataDir: string): string {
  return join(dataDir, "kits");
}

export function kitFile(dataDir: string, profile: string, memberId: string): string {
  return join(kitDir(dataDir), `${fileSafe(profile)}.${fileSafe(memberId)}.json`);
}

/** The prescriber or pharmacy, when the portal named one (the reading schema makes it text). */
function extraText(rx: Prescription, key: "prescriber" | "pharmacy"): string | undefined {
  const value = rx[key];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** A portal prescription as the kit keeps it; absent fields stay absent. */
export function kitMedication(rx: Prescription): KitMedication {
  const prescriber = extraText(rx, "prescriber");
  const pharmacy = extraText(rx, "pharmacy");
  return {
    rxId: rx.rxId,
    drug: rx.drug,
    strength: rx.strength,
    quantity: rx.quantity,
    daysSupply: rx.daysSupply,
    refillsRemaining: rx.refillsRemaining,
    ...(prescriber ? { prescriber } : {}),
    ...(pharmacy ? { pharmacy } : {}),
    ...(rx.lastFilled ? { lastFilled: rx.lastFilled } : {}),
    ...(rx.nextEligibleDate ? { nextEligibleDate: rx.nextEligibleDate } : {}),
    status: rx.status,
  };
}

export interface SaveKitInput {
  dataDir: string;
  profile: string;
  username?: string;
  self: boolean;
  card: IdCard;
  prescriptions: readonly Prescription[];
  now: number;
}

/** Saves (or replaces) one member's kit; returns where and what. */
export async function saveKit(input: SaveKitInput): Promise<{ file: string; saved: SavedKit }> {
  const memberId = input.card.memberId;
  const file = kitFile(input.dataDir, input.profile, memberId);
  const previous = await storeOf(file)
    .read()
    .catch(() => undefined);
  const saved: SavedKit = {
    version: 1,
    savedAt: new Date(input.now).toISOString(),
    profile: input.profile,
    username: input.username,
    self: input.self || (previous?.self === true && previous.username === input.username),
    memberId,
    card: input.card,
    medications: input.prescriptions.filter((rx) => rx.memberId === memberId).map(kitMedication),
  };
  await storeOf(file).write(saved);
  return { file, saved };
}

function storeOf(file: string): JsonStore<SavedKit | undefined> {
  return jsonStore<SavedKit | undefined>(file, SavedKitSchema, {
    empty: () => undefined,
    invalid: ({ cause }) => {
      throw new CliError(`The saved emergency kit ${file} cannot be read.`, ExitCode.refused, {
        hint: "Save a new one with `rxportal kit --save` when you can sign in.",
        cause,
      });
    },
  });
}

export interface FindKitInput {
  dataDir: string;
  profile: string;
  memberId?: string;
  username?: string;
}

/** The kit `rxportal kit` shows, or undefined when none was saved. Never asks the portal. */
export async function findSavedKit(
  input: FindKitInput,
): Promise<{ file: string; saved: SavedKit } | undefined> {
  if (input.memberId !== undefined) {
    const file = kitFile(input.dataDir, input.profile, input.memberId);
    const saved = await storeOf(file).read();
    return saved && { file, saved };
  }
  const prefix = `${fileSafe(input.profile)}.`;
  let names: string[];
  try {
    names = await readdir(kitDir(input.dataDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const own: { file: string; saved: SavedKit }[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".json")) continue;
    const file = join(kitDir(input.dataDir), name);
    const saved = await storeOf(file)
      .read()
      .catch(() => undefined);
    if (saved?.self && saved.profile === input.profile) own.push({ file, saved });
  }
  // Several people may share a profile on one computer: never show one of them another's medicines.
  const mine =
    input.username === undefined
      ? own
      : own.filter((k) => k.saved.username?.toLowerCase() === input.username?.toLowerCase());
  return mine.sort((a, b) => Date.parse(b.saved.savedAt) - Date.parse(a.saved.savedAt))[0];
}
