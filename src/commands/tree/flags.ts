// The flag schema of tree export (loaded with zod, only when it runs).
import * as z from "zod/mini";
import "../../zod-messages.js";
import { choice } from "../flags.js";

export const treeExport = z.strictObject({
  format: choice(["mermaid", "dot", "json"]),
  lang: z.optional(choice(["en", "es"])),
});
