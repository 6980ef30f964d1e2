// The flag schema of tree export (loaded with zod, only when it runs).
import { z } from "zod";
import { choice } from "../flags.js";

export const treeExport = z.strictObject({ format: choice(["mermaid", "dot", "json"]) });
