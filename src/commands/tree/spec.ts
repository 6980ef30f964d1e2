// tree lint, tree export, check-link: the table's entries (src/commands/table.ts).
import type { CommandSpec } from "../kit.js";

// Kept here rather than imported from doctor/tree-export.ts so --help does not load that module.
const formats = ["mermaid", "dot", "json"] as const;

export const tree: CommandSpec = {
  name: "tree",
  summary: "check and draw a troubleshooting tree (the built-in one by default)",
  examples: [
    "rxportal tree lint",
    "rxportal tree lint my-tree.yaml",
    "rxportal tree export --format dot | dot -Tsvg > tree.svg",
  ],
  commands: [
    {
      name: "lint",
      arguments: [{ name: "[file]" }],
      summary:
        "check a tree: dangling references, unreachable nodes, cycles without exit, leaves without remedy, duplicates",
      examples: [
        "rxportal tree lint",
        "rxportal tree lint trees/help-desk.yaml",
        "rxportal tree lint my-tree.yaml --json",
      ],
      notes: `Exit status: 0 when the tree is clean, 78 with every problem listed (one per line, with the node id).
`,
      handler: () =>
        import("./lint.js").then(
          (m) =>
            (ctx, { args }) =>
              m.treeLintCommand(ctx, args[0] as string | undefined),
        ),
    },
    {
      name: "export",
      arguments: [{ name: "[file]" }],
      summary: "draw a tree on stdout as Mermaid, Graphviz DOT or JSON",
      options: [
        { flags: "--format <format>", description: "output format", choices: formats, default: "mermaid" },
        {
          flags: "--lang <lang>",
          description: "the language of the texts drawn (default: the language of this run, see --lang)",
          choices: ["en", "es"],
        },
      ],
      examples: [
        "rxportal tree export > tree.mmd",
        "rxportal tree export --format dot | dot -Tpng > tree.png",
        "rxportal tree export --format json my-tree.yaml",
        "rxportal tree export --lang es > arbol.mmd",
      ],
      flags: () => import("./flags.js").then((f) => f.treeExport),
      handler: () =>
        import("./export.js").then(
          (m) =>
            (ctx, { args, opts }) =>
              m.treeExportCommand(ctx, args[0] as string | undefined, opts.format, opts.lang),
        ),
    },
  ],
};

export const checkLink: CommandSpec = {
  name: "check-link",
  arguments: [{ name: "<url>" }],
  summary:
    "is this reset / sign-in link really the portal's? (official hosts, https, look-alike and punycode domains)",
  examples: [
    "rxportal --profile express-scripts check-link 'https://www.express-scripts.com/reset?token=…'",
    'rxportal --profile acme check-link "$LINK" --json',
  ],
  notes: `Paste the link; it is never opened. Exit status: 0 safe, 1 suspicious, 64 not a URL.
`,
  handler: () =>
    import("./check-link.js").then(
      (m) =>
        (ctx, { args }) =>
          m.checkLinkCommand(ctx, args[0] as string),
    ),
};
