// "Did you mean baseUrl?" for an unknown key: the keys a zod schema knows at a path, and the
// closest of them to a misspelt one (same letters in another case first, then edit distance).
import type * as z from "zod/mini";

type Def = {
  type?: string;
  shape?: Record<string, unknown>;
  valueType?: unknown;
  element?: unknown;
  innerType?: unknown;
  options?: unknown[];
  in?: unknown;
  out?: unknown;
  left?: unknown;
  right?: unknown;
  getter?: () => unknown;
};

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

/** The schemas that describe the value at `path` (several for unions). */
function schemasAt(schema: unknown, path: readonly PropertyKey[]): unknown[] {
  let current = [schema];
  for (const part of path) {
    const next: unknown[] = [];
    for (const s of current.flatMap(unwrap)) {
      const def = defOf(s);
      if (!def) continue;
      if (def.type === "object" && def.shape && typeof part === "string" && Object.hasOwn(def.shape, part)) {
        next.push(def.shape[part]);
      } else if (def.type === "record" && def.valueType) next.push(def.valueType);
      else if (
        def.type === "array" &&
        def.element &&
        (typeof part === "number" || /^\d+$/.test(String(part)))
      ) {
        next.push(def.element);
      }
    }
    current = next;
  }
  return current.flatMap(unwrap);
}

/** Optional, nullable, default, pipes, unions and lazies down to the schemas that hold keys. */
function unwrap(schema: unknown, depth = 0): unknown[] {
  const def = defOf(schema);
  if (!def || depth > 20) return [];
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return unwrap(def.innerType, depth + 1);
    case "pipe":
      return unwrap(def.in, depth + 1);
    case "lazy":
      return def.getter ? unwrap(def.getter(), depth + 1) : [];
    case "union":
      return (def.options ?? []).flatMap((o) => unwrap(o, depth + 1));
    case "intersection":
      return [...unwrap(def.left, depth + 1), ...unwrap(def.right, depth + 1)];
    default:
      return [schema];
  }
}

/** Every key an object schema at `path` knows. */
export function knownKeysAt(schema: z.ZodMiniType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(schema, path)) {
    const def = defOf(s);
    if (def?.type === "object" && def.shape) for (const key of Object.keys(def.shape)) keys.add(key);
  }
  return [...keys];
}

/** Levenshtein distance with adjacent transpositions, bounded work for long strings. */
export function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Math.max(a.length, b.length);
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** The known key `unknown` most likely meant, or undefined when none is close. */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  const sameLetters = known.find((k) => k.toLowerCase() === lower);
  if (sameLetters) return sameLetters;
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(lower, key.toLowerCase());
    if (!best || distance < best.distance) best = { key, distance };
  }
  const allowed = Math.max(1, Math.floor(unknown.length / 3));
  return best && best.distance <= allowed ? best.key : undefined;
}
