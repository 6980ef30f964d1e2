// Checks for the small JSON files rxportal keeps for itself (the last usernames, who signed out,
// the lockout guard, refused codes) and for the sessions it keeps in the keychain, written by hand
// in the `{ safeParse }` form a JsonStore takes (./json-store.ts). They are read on every sign-in
// and by every command that looks for a session, and with these, those reads load no zod.
//
// Each check gives what the zod schema it replaced gave, and shapes.test.ts holds them to those
// schemas on generated files: an object is a plain object (not an array, not null); its output has
// only the shape's keys, in the shape's order; an optional key may be absent (or undefined) but
// not null; a record keeps every own key but `__proto__`.
import type { SafeParseResult, Schema } from "./json-store.js";

/** One field of an object shape: what its value must be, and whether it may be absent. */
export interface Field {
  test: (value: unknown) => boolean;
  optional?: boolean;
}

export const string: Field = { test: (v) => typeof v === "string" };
export const nonEmptyString: Field = { test: (v) => typeof v === "string" && v.length > 0 };
export const number: Field = { test: (v) => typeof v === "number" && Number.isFinite(v) };
export const boolean: Field = { test: (v) => typeof v === "boolean" };

/** The same field, allowed to be absent. */
export function optional(field: Field): Field {
  return { ...field, optional: true };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An object of this shape, with its field names where it is not. */
export interface ObjectCheck<T> extends Schema<T> {
  /** The names of the fields that are missing or wrong, in the shape's order ("(root)": not an object). */
  wrongFields(value: unknown): string[];
}

export function object<T>(shape: Record<string, Field>): ObjectCheck<T> {
  const keys = Object.keys(shape);
  const wrongFields = (value: unknown): string[] => {
    if (!isPlainObject(value)) return ["(root)"];
    return keys.filter((key) => {
      const field = shape[key] as Field;
      if (!(key in value)) return !field.optional;
      // An optional key holding undefined (an object built in code, never JSON) counts as absent.
      return !(field.optional && value[key] === undefined) && !field.test(value[key]);
    });
  };
  return {
    wrongFields,
    safeParse(value: unknown): SafeParseResult<T> {
      if (wrongFields(value).length > 0) return { success: false };
      const input = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of keys) if (key in input) out[key] = input[key];
      return { success: true, data: out as T };
    },
  };
}

/** A JSON object's own entries, `__proto__` left out; undefined when the value is no object. */
export function recordOf(value: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) if (key !== "__proto__") out[key] = value[key];
  return out;
}

/** A check made of a function that reads the value, or gives undefined where it cannot. */
export function check<T>(read: (value: unknown) => T | undefined): Schema<T> {
  return {
    safeParse(value: unknown): SafeParseResult<T> {
      const data = read(value);
      return data === undefined ? { success: false } : { success: true, data };
    },
  };
}
