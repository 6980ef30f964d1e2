// Drawing a tree for people: Mermaid (renders in GitHub and most wikis), Graphviz DOT, or the
// validated tree as JSON for other tools.
import { edgesOf, type Tree, type TreeNode } from "./tree-schema.js";

export const exportFormats = ["mermaid", "dot", "json"] as const;
export type ExportFormat = (typeof exportFormats)[number];

export function exportTree(tree: Tree, format: ExportFormat): string {
  switch (format) {
    case "mermaid":
      return toMermaid(tree);
    case "dot":
      return toDot(tree);
    case "json":
      return `${JSON.stringify(tree, null, 2)}\n`;
  }
}

function labelOf(id: string, node: TreeNode): string {
  switch (node.kind) {
    case "question":
      return node.text;
    case "probe":
      return `probe ${node.probe}${node.text ? `: ${node.text}` : ""}`;
    case "action":
      return node.run ? `${node.run}: ${node.text}` : node.text;
    case "end":
      return node.title || id;
  }
}

// "end" is a keyword in Mermaid, and dashes confuse some renderers: give every node a safe id.
const mermaidId = (id: string) => `n_${id.replace(/-/g, "_")}`;
const mermaidText = (text: string) => text.replace(/"/g, "#quot;").replace(/\s+/g, " ");

function toMermaid(tree: Tree): string {
  const lines = ["flowchart TD"];
  const shape: Record<TreeNode["kind"], [string, string]> = {
    question: ["{", "}"],
    probe: ["[[", "]]"],
    action: ["[/", "/]"],
    end: ["([", "])"],
  };
  for (const [id, node] of Object.entries(tree.nodes)) {
    const [open, close] = shape[node.kind];
    lines.push(`  ${mermaidId(id)}${open}"${mermaidText(labelOf(id, node))}"${close}`);
  }
  for (const [id, node] of Object.entries(tree.nodes)) {
    for (const edge of edgesOf(node)) {
      const label = edge.label === "next" ? "" : `|${mermaidText(edge.label)}|`;
      lines.push(`  ${mermaidId(id)} -->${label} ${mermaidId(edge.to)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

const dotText = (text: string) =>
  `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\s+/g, " ")}"`;

function toDot(tree: Tree): string {
  const shape: Record<TreeNode["kind"], string> = {
    question: "diamond",
    probe: "box3d",
    action: "parallelogram",
    end: "box, style=rounded",
  };
  const lines = ["digraph tree {", "  rankdir=TB;", "  node [fontname=Helvetica];"];
  for (const [id, node] of Object.entries(tree.nodes)) {
    lines.push(`  ${dotText(id)} [shape=${shape[node.kind]}, label=${dotText(labelOf(id, node))}];`);
  }
  for (const [id, node] of Object.entries(tree.nodes)) {
    for (const edge of edgesOf(node)) {
      const label = edge.label === "next" ? "" : ` [label=${dotText(edge.label)}]`;
      lines.push(`  ${dotText(id)} -> ${dotText(edge.to)}${label};`);
    }
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
