// Where a tree comes from: a file the user names, or the built-in tree bundled into dist/.
import { ConfigError } from "../errors.js";
import type { ParsedTree } from "./tree-lint.js";
import type { TreeFile } from "./tree-schema.js";

export interface TreeSource {
  /** What messages call it: the path, or "built-in tree". */
  name: string;
  text: string;
}

/** A 20,000-node tree is about 4 MB; a file much larger than that is not a tree. */
export const MAX_TREE_BYTES = 16 * 1024 * 1024;

export async function readTreeSource(file: string | undefined): Promise<TreeSource> {
  if (file === undefined) {
    const { builtinTreeText, BUILTIN_TREE_NAME } = await import("./builtin-tree.js");
    return { name: BUILTIN_TREE_NAME, text: builtinTreeText };
  }
  const { readUserFile } = await import("../state/files.js");
  return { name: file, text: readUserFile(file, { maxBytes: MAX_TREE_BYTES }) };
}

/** A tree read and validated. The built-in one comes validated and linted from the build
 * (src/doctor/builtin-tree.ts): no YAML is parsed for it. */
export async function readParsedTree(file: string | undefined): Promise<ParsedTree & { name: string }> {
  if (file === undefined) {
    const { builtinTree, BUILTIN_TREE_NAME } = await import("./builtin-tree.js");
    return { name: BUILTIN_TREE_NAME, tree: builtinTree, problems: [] };
  }
  const source = await readTreeSource(file);
  const { parseTree } = await import("./tree-lint.js");
  return { name: source.name, ...(await parseTree(source.name, source.text)) };
}

/**
 * The tree a doctor run walks: read, validated and linted. A tree with lint problems is refused
 * (exit 78) because walking it could strand the member on a node with no way on, or show it a
 * text in another language. It comes in every language it has: `localizeTree` picks one.
 */
export async function loadCheckedTree(file: string | undefined): Promise<TreeFile> {
  const source = await readParsedTree(file);
  const { lintTree } = await import("./tree-lint.js");
  const { tree, problems } = source;
  const all = [...problems, ...lintTree(tree)];
  if (all.length) {
    const first = all[0] as { node: string; message: string };
    throw new ConfigError(
      `${source.name}: ${all.length} tree problem${all.length === 1 ? "" : "s"}, first: ${first.node}: ${first.message}.`,
      {
        file: source.name,
        keyPath: `nodes.${first.node}`,
        hint: "Run `rxportal tree lint <file>` to list them all.",
      },
    );
  }
  return tree;
}
