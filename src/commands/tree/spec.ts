// tree lint, tree export, check-link. Implementations load in the action (start-up time).
import { type Command, Option } from "commander";
import type { AppContext } from "../../context.js";
import { type Act, examples } from "../kit.js";

// Kept here rather than imported from doctor/tree-export.ts so --help does not load that module.
const formats = ["mermaid", "dot", "json"] as const;

export function registerTreeCommands(program: Command, ctx: AppContext, act: Act): void {
  const tree = program
    .command("tree")
    .description("check and draw a troubleshooting tree (the built-in one by default)")
    .addHelpText(
      "after",
      examples(
        "rxportal tree lint",
        "rxportal tree lint my-tree.yaml",
        "rxportal tree export --format dot | dot -Tsvg > tree.svg",
      ),
    );

  tree
    .command("lint [file]")
    .description(
      "check a tree: dangling references, unreachable nodes, cycles without exit, leaves without remedy, duplicates",
    )
    .addHelpText(
      "after",
      `${examples("rxportal tree lint", "rxportal tree lint trees/help-desk.yaml", "rxportal tree lint my-tree.yaml --json")}
Exit status: 0 when the tree is clean, 78 with every problem listed (one per line, with the node id).
`,
    )
    .action(
      act(async (file: string | undefined) => {
        const { treeLintCommand } = await import("./lint.js");
        return treeLintCommand(ctx, file);
      }),
    );

  tree
    .command("export [file]")
    .description("draw a tree on stdout as Mermaid, Graphviz DOT or JSON")
    .addOption(new Option("--format <format>", "output format").choices(formats).default("mermaid"))
    .addHelpText(
      "after",
      examples(
        "rxportal tree export > tree.mmd",
        "rxportal tree export --format dot | dot -Tpng > tree.png",
        "rxportal tree export --format json my-tree.yaml",
      ),
    )
    .action(
      act(async (file: string | undefined, opts: { format: (typeof formats)[number] }) => {
        const { treeExportCommand } = await import("./export.js");
        return treeExportCommand(ctx, file, opts.format);
      }),
    );

  program
    .command("check-link <url>")
    .description(
      "is this reset / sign-in link really the portal's? (official hosts, https, look-alike and punycode domains)",
    )
    .addHelpText(
      "after",
      `${examples(
        "rxportal --profile express-scripts check-link 'https://www.express-scripts.com/reset?token=…'",
        'rxportal --profile acme check-link "$LINK" --json',
      )}
Paste the link; it is never opened. Exit status: 0 safe, 1 suspicious, 64 not a URL.
`,
    )
    .action(
      act(async (url: string) => {
        const { checkLinkCommand } = await import("./check-link.js");
        return checkLinkCommand(ctx, url);
      }),
    );
}
