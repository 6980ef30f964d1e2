// Where a tree comes from: a file the user names, or the built-in tree bundled into dist/.
import { readFileSync } from "node:fs";
import { ConfigError } from "../errors.js";

export interface TreeSource {
  /** What messages call it: the path, or "built-in tree". */
  name: string;
  text: string;
}

export async function readTreeSource(file: string | undefined): Promise<TreeSource> {
  if (file === undefined) {
    const { builtinTreeText, BUILTIN_TREE_NAME } = await import("./builtin-tree.js");
    return { name: BUILTIN_TREE_NAME, text: builtinTreeText };
  }
  try {
    return { name: file, text: readFileSync(file, "utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES"
          ? "permission denied"
          : `cannot read it (${code})`;
    throw new ConfigError(`${file}: ${why}.`, { file });
  }
}
