// Generated JSON documents for comparing a hand-written reader with the zod schema it stands for:
// valid documents, the same with random breakages (a value deleted, nulled, replaced or wrapped in
// an array, anywhere in the tree), and arbitrary JSON.
import fc from "fast-check";

/** The value as text that keeps key order and tells a key holding undefined from a missing one. */
export const exact = (value: unknown) =>
  JSON.stringify(value, (_k, v) => (v === undefined ? "<undefined>" : v));

/** Every place in a JSON value, as a path of keys. */
function places(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(path);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) places(v, [...path, i], out);
  } else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) places(v, [...path, k], out);
  return out;
}

type Breakage = { at: number; how: "delete" | "null" | "replace" | "wrap"; with: unknown };

/** The value with each breakage applied at one of its places (chosen by `at`). */
function broken(value: unknown, breakages: Breakage[]): unknown {
  let out: unknown = structuredClone(value);
  for (const b of breakages) {
    const all = places(out);
    const path = all[b.at % all.length] as (string | number)[];
    const replacement = b.how === "null" ? null : b.how === "wrap" ? [get(out, path)] : b.with;
    if (path.length === 0) {
      out = b.how === "delete" ? undefined : replacement;
      continue;
    }
    const parent = get(out, path.slice(0, -1)) as Record<string | number, unknown>;
    const key = path[path.length - 1] as string | number;
    if (b.how === "delete" && !Array.isArray(parent)) delete parent[key];
    else parent[key] = replacement;
  }
  return out;
}

function get(value: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value);
}

const breakages = fc.array(
  fc.record({
    at: fc.nat(),
    how: fc.constantFrom("delete", "null", "replace", "wrap"),
    with: fc.oneof(
      fc.jsonValue({ maxDepth: 1 }),
      fc.constantFrom("", -1, 1.5, 2 ** 53, "2026-02-30", "12", " 7 ", "2026-13-01T00:00:00Z", {}),
    ),
  }),
  { minLength: 1, maxLength: 3 },
);

/**
 * JSON documents: `valid` ones, the same with one to three breakages, now and then anything at
 * all; each as JSON.parse hands it over (plain objects, no undefined).
 */
export function withBreakages(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .oneof(
      { weight: 5, arbitrary: valid },
      { weight: 4, arbitrary: fc.tuple(valid, breakages).map(([v, b]) => broken(v, b)) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    )
    .map((value) => (value === undefined ? value : JSON.parse(JSON.stringify(value))));
}
