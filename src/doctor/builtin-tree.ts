// The built-in tree's text, inlined by esbuild's text loader (scripts/build.mjs). Imported only by
// command actions, lazily: vitest does not know the loader, so unit tests read trees/default.yaml
// from disk instead (see BUILTIN_TREE_PATH).
import text from "../../trees/default.yaml";

export const builtinTreeText: string = text;
export const BUILTIN_TREE_NAME = "built-in tree (trees/default.yaml)";
