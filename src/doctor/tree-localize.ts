// A tree file in one language: every text map becomes the string of that language, so the engine,
// the report and the drawings only ever see plain strings (trees/default.yaml has English and
// Spanish; a user's tree may have English only). Zod-free, like tree-shape.ts.
import type { Lang } from "../i18n/lang.js";
import type { Tree, TreeFile, TreeFileNode, TreeNode } from "./tree-schema.js";
import type { TextValue } from "./tree-shape.js";

/** A text in `lang`; English when the text has none in `lang` (a tree that declares only en). */
export function localizeText(text: TextValue, lang: Lang): string {
  if (typeof text === "string") return text;
  // tree lint makes every declared language present; a map without English is only possible in
  // a tree that was not linted, and then any language beats an empty line.
  return text[lang] ?? text.en ?? Object.values(text).find((t) => t !== undefined) ?? "";
}

/** The tree in `lang`, with the same keys in the same order, and no `languages`. */
export function localizeTree(tree: TreeFile, lang: Lang): Tree {
  const nodes: Record<string, TreeNode> = {};
  for (const [id, node] of Object.entries(tree.nodes)) nodes[id] = localizeNode(node, lang);
  return { version: tree.version, start: tree.start, branches: tree.branches, nodes };
}

function localizeNode(node: TreeFileNode, lang: Lang): TreeNode {
  const t = (text: TextValue) => localizeText(text, lang);
  switch (node.kind) {
    case "question": {
      const { help, ...rest } = node;
      return {
        kind: "question",
        text: t(rest.text),
        ...(help === undefined ? {} : { help: t(help) }),
        answers: rest.answers.map((a) => ({ value: a.value, label: t(a.label), next: a.next })),
      };
    }
    case "probe":
      return {
        ...node,
        ...(node.text === undefined ? {} : { text: t(node.text) }),
      } as TreeNode;
    case "action":
      return { ...node, text: t(node.text) } as TreeNode;
    case "end":
      return { ...node, title: t(node.title), remedy: node.remedy.map(t) } as TreeNode;
  }
}
