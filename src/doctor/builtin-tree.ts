// The built-in tree, compiled by the build from trees/default.yaml to validated, linted JSON
// (scripts/tree-json.ts; vitest.config.ts does the same for tests), so no run parses YAML for it.
// Imported only by command actions, lazily.
import tree from "../../trees/default.yaml";
import type { TreeFile } from "./tree-schema.js";

/** In every language it declares (en, es); `localizeTree` gives it in one. */
export const builtinTree: TreeFile = tree;
export const BUILTIN_TREE_NAME = "built-in tree (trees/default.yaml)";
/** The same tree as text (JSON, which is also YAML), for code that reads a tree's text. */
export const builtinTreeText: string = JSON.stringify(tree, null, 2);
