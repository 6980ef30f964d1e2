// The built-in tree's text, inlined by esbuild's text loader (scripts/build.mjs; vitest.config.ts
// does the same for tests). Imported only by command actions, lazily.
import text from "../../trees/default.yaml";

export const builtinTreeText: string = text;
export const BUILTIN_TREE_NAME = "built-in tree (trees/default.yaml)";
