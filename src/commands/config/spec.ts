// config path|show|validate, profiles: the table's entries (src/commands/table.ts).
import type { CommandSpec } from "../kit.js";

export const config: CommandSpec = {
  name: "config",
  summary: "where the config file is, what is in force, and whether it is valid",
  examples: ["rxportal config path", "rxportal config show --json", "rxportal config validate"],
  commands: [
    {
      name: "path",
      summary: "print the config file in use and whether it exists",
      handler: () => import("./path.js").then((m) => (ctx) => m.configPathCommand(ctx)),
    },
    {
      name: "show",
      summary: "print the profile in force after flags, environment, file and built-ins",
      handler: () => import("./show.js").then((m) => (ctx) => m.configShowCommand(ctx)),
    },
    {
      name: "validate",
      summary: "check the config file; exit 78 naming the file and key path if it is wrong",
      handler: () => import("./validate.js").then((m) => (ctx) => m.configValidateCommand(ctx)),
    },
  ],
};

export const profiles: CommandSpec = {
  name: "profiles",
  summary: "list the portal profiles, marking the one in force",
  examples: ["rxportal profiles", "rxportal profiles --json"],
  handler: () => import("./profiles.js").then((m) => (ctx) => m.profilesCommand(ctx)),
};
