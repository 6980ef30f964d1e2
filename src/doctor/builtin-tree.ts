// The built-in tree, compiled by the build from trees/default.yaml to validated, linted JSON
// (scripts/tree-json.ts; vitest.config.ts does the same for tests), so no run parses YAML for it.
// Imported only by command actions, lazily.
import tree from "../../trees/default.yaml";
import type { Tree } from "./tree-schema.js";

export const builtinTree: Tree = tree;
export const BUILTIN_TREE_NAME = "built-in tree (trees/default.yaml)";
/** The same tree as text (JSON, which is also YAML), for code that reads a tree's text. */
export const builtinTreeText: string = JSON.stringify(tree, null, 2);
