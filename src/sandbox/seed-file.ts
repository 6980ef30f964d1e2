// `rxportal sandbox --seed <file>`: extra members, prescriptions and orders for the sandbox, from a
// JSON or YAML file, added to the bundled seed (fixtures/sandbox/seed.json). For demos, training
// and load: `npm run bench` seeds 10,000 prescriptions and orders this way.
//   members:        whole members, as in the bundled seed (username, memberId, card, ...)
//   prescriptions:  each goes to the family (member or dependent) its memberId names
//   orders:         the same; orders are shown newest first by createdHoursAgo
//   registrants:    people with benefits and no account yet, for `rxportal register`
// A file that is not valid is refused whole (exit 78), naming the key path.
import { readFileSync } from "node:fs";
import * as z from "zod/mini";
import "../zod-messages.js";
import { ConfigError } from "../errors.js";
import { cjsExports } from "../interop.js";
import {
  loadSeed,
  type Seed,
  SeedMemberSchema,
  SeedOrderSchema,
  SeedPrescriptionSchema,
  SeedRegistrantSchema,
  SeedSchema,
} from "./seed.js";

export const SeedFileSchema = z.strictObject({
  members: z.optional(z.array(SeedMemberSchema)),
  prescriptions: z.optional(z.array(SeedPrescriptionSchema)),
  orders: z.optional(z.array(SeedOrderSchema)),
  /** People with benefits and no account yet, for `rxportal register`. */
  registrants: z.optional(z.array(SeedRegistrantSchema)),
});
export type SeedFile = z.infer<typeof SeedFileSchema>;

/** The bundled seed with the file's additions; throws ConfigError (exit 78) naming the problem. */
export async function loadSeedFile(file: string, base: Seed = loadSeed()): Promise<Seed> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${file}: ${code === "ENOENT" ? "no such file" : `cannot read it (${code})`}.`, {
      file,
    });
  }
  let data: unknown;
  try {
    data = file.endsWith(".json")
      ? JSON.parse(text)
      : cjsExports(await import("yaml")).parse(text, { uniqueKeys: true });
  } catch (error) {
    const first = String((error as Error).message).split("\n")[0];
    throw new ConfigError(`${file}: not valid ${file.endsWith(".json") ? "JSON" : "YAML"}: ${first}`, {
      file,
    });
  }
  const parsed = SeedFileSchema.safeParse(data ?? {});
  if (!parsed.success) throw seedError(file, parsed.error.issues[0]);
  return mergeSeed(file, base, parsed.data);
}

/** The seed with `extra` added; throws ConfigError for ids that clash or name nobody. */
export function mergeSeed(file: string, base: Seed, extra: SeedFile): Seed {
  const members = structuredClone(base.members);
  for (const m of extra.members ?? []) members.push(structuredClone(m));
  const familyOf = new Map<string, (typeof members)[number]>();
  for (const m of members)
    for (const id of [m.memberId, ...m.dependents.map((d) => d.memberId)]) familyOf.set(id, m);
  const rxIds = new Set(members.flatMap((m) => m.prescriptions.map((rx) => rx.rxId)));
  const orderIds = new Set(members.flatMap((m) => m.orders.map((o) => o.orderId)));
  const place = <T extends { memberId: string }>(
    kind: "prescriptions" | "orders",
    items: T[],
    id: (item: T) => string,
    seen: Set<string>,
    add: (member: (typeof members)[number], item: T) => void,
  ) => {
    for (const [i, item] of items.entries()) {
      const member = familyOf.get(item.memberId);
      if (!member)
        throw new ConfigError(`${file}: ${kind}.${i}.memberId: no member or dependent ${item.memberId}.`, {
          file,
          keyPath: `${kind}.${i}.memberId`,
        });
      if (seen.has(id(item)))
        throw new ConfigError(`${file}: ${kind}.${i}: ${id(item)} is there already.`, {
          file,
          keyPath: `${kind}.${i}`,
        });
      seen.add(id(item));
      add(member, item);
    }
  };
  place(
    "prescriptions",
    extra.prescriptions ?? [],
    (rx) => rx.rxId,
    rxIds,
    (m, rx) => m.prescriptions.push(rx),
  );
  place(
    "orders",
    extra.orders ?? [],
    (o) => o.orderId,
    orderIds,
    (m, o) => m.orders.push(o),
  );
  // The bundled seed's own checks too (duplicate usernames and member ids, families).
  const registrants = [...(base.registrants ?? []), ...(extra.registrants ?? [])];
  const merged = SeedSchema.safeParse({ ...base, members, ...(registrants.length ? { registrants } : {}) });
  if (!merged.success) throw seedError(file, merged.error.issues[0]);
  return merged.data;
}

function seedError(file: string, issue: z.core.$ZodIssue | undefined): ConfigError {
  const keyPath = issue?.path.join(".") ?? "";
  return new ConfigError(`${file}: ${keyPath || "(top level)"}: ${issue?.message ?? "invalid"}`, {
    file,
    keyPath,
  });
}
