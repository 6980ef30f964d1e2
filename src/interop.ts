/**
 * A CommonJS package reached through dynamic `import()`: Node exposes its exports as named
 * bindings, but inside the esbuild bundle they sit under `default`. This gives the exports either way.
 */
export function cjsExports<T extends object>(mod: T): T {
  return ((mod as unknown as { default?: T }).default ?? mod) as T;
}
