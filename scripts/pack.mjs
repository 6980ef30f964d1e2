// Packs the CommonJS bundle (scripts/build.mjs) into fewer files. esbuild splits the bundle into a
// chunk per set of entry points that share code, so a command can need fifteen or more small
// files, and each file a run loads costs it two reads, a cache to check and a script to compile
// and run (src/loader.ts). A pack is one file holding several of those modules, each as a function
// that runs only when it is first required, as a file would have run:
//   (typeof module === "object" ? module : {}).exports = {
//   "chunks/contacts-X.js": function (exports, require, module, __filename, __dirname) {...},
//   ...
//   };
// Each root gets a pack: main.js (with everything it requires at start), and each file that is
// required later (a command's code, behind import()) or that is larger than INLINE_LIMIT, with
// the smaller files it requires at once, unless main.js holds them. A small file shared by several
// roots is in each of their packs: the loader runs the first copy it meets and ignores the others,
// so a module still runs once. Files that are in a pack and not a root are removed.
// The build checks that every module's require() of one of the bundle's files finds it: in its
// own pack, in main.js's, or as a root's file.
import { readFile, rm, writeFile } from "node:fs/promises";
import { posix } from "node:path";

/**
 * A pack's first line. Under require() (Node's own compile cache, RXPORTAL_CODE_CACHE=node) it
 * sets module.exports; run as a script (src/code-cache.ts), where no `module` exists, the table
 * is the script's value. So the loader compiles the file's text as it is, with no wrapper around
 * it: V8 would copy a wrapped text into one new string per pack on every run.
 */
export const PACK_START = '(typeof module === "object" ? module : {}).exports = {';

/** Larger files stay a pack (a root) of their own instead of being copied into every pack. */
export const INLINE_LIMIT = 16 * 1024;

// A require() at the top of a module: it runs as soon as the module does (esbuild writes every
// import as one of these; an import() becomes a require() inside a function).
const STATIC_REQUIRE = /^var import_\w+ = require\("(\.\.?\/[^"]+)"\);$/gm;
const ANY_REQUIRE = /\brequire\("(\.\.?\/[^"]+)"\)/g;
const MAP_COMMENT = /\n?\/\/# sourceMappingURL=[^\n]*\n?$/;

/**
 * Packs `files` (paths relative to `dir`, main.js first) in place; returns the files left.
 * `intoMain`: files of `files` to put in main.js's pack although main.js does not require them.
 * Each pack's source map is an index map with a section per module.
 */
export async function packBundle(dir, files, { intoMain = [] } = {}) {
  const code = new Map();
  for (const file of files)
    code.set(file, (await readFile(`${dir}/${file}`, "utf8")).replace(MAP_COMMENT, "\n"));
  const target = (from, id) => posix.join(posix.dirname(from), id);
  const requires = (file, pattern) => [...code.get(file).matchAll(pattern)].map((m) => target(file, m[1]));
  const staticDeps = new Map(files.map((f) => [f, requires(f, STATIC_REQUIRE)]));
  for (const [file, deps] of staticDeps)
    for (const dep of deps)
      if (!code.has(dep)) throw new Error(`pack: ${file} requires ${dep}, which the build did not write`);

  const closure = (root, stop, descend) => {
    const out = [];
    const visit = (file) => {
      if (out.includes(file) || stop.has(file)) return;
      out.push(file);
      for (const dep of staticDeps.get(file)) if (descend(dep)) visit(dep);
    };
    visit(root);
    return out;
  };
  // main.js's static closure, and the files the launcher finds in main.js's pack itself (the
  // loader: scripts/build.mjs), which nothing requires.
  const main = [...new Set(["main.js", ...intoMain].flatMap((f) => closure(f, new Set(), () => true)))];
  const inMain = new Set(main);
  const roots = new Set(["main.js"]);
  for (const file of files) {
    const deps = new Set(staticDeps.get(file));
    for (const dep of requires(file, ANY_REQUIRE)) if (!deps.has(dep)) roots.add(dep);
    if (code.get(file).length > INLINE_LIMIT && !inMain.has(file)) roots.add(file);
  }
  const packs = new Map([["main.js", main]]);
  for (const root of roots)
    if (!inMain.has(root))
      packs.set(
        root,
        closure(root, inMain, (dep) => !roots.has(dep)),
      );

  // Every require() a packed module makes must find its module.
  for (const [root, modules] of packs) {
    const here = new Set(modules);
    for (const file of modules)
      for (const dep of requires(file, ANY_REQUIRE))
        if (!here.has(dep) && !inMain.has(dep) && !roots.has(dep))
          throw new Error(`pack: ${file} (in ${root}) requires ${dep}, which no pack it can reach holds`);
  }

  for (const [root, modules] of packs) {
    let text = `${PACK_START}\n`;
    let line = 1;
    const sections = [];
    for (const file of modules) {
      text += `${JSON.stringify(file)}: function (exports, require, module, __filename, __dirname) {\n`;
      line++;
      const body = code.get(file).endsWith("\n") ? code.get(file) : `${code.get(file)}\n`;
      const map = JSON.parse(await readFile(`${dir}/${file}.map`, "utf8"));
      // The maps name sources relative to the file they were made for; a pack's sits beside it.
      const from = posix.dirname(file);
      const to = posix.dirname(root);
      map.sources = map.sources.map((s) => posix.relative(to, posix.join(from, s)));
      sections.push({ offset: { line, column: 0 }, map });
      text += `${body}},\n`;
      line += body.split("\n").length;
    }
    text += `};\n//# sourceMappingURL=${posix.basename(root)}.map\n`;
    await writeFile(`${dir}/${root}`, text);
    await writeFile(
      `${dir}/${root}.map`,
      JSON.stringify({ version: 3, file: posix.basename(root), sections }),
    );
  }
  for (const file of files)
    if (!packs.has(file)) {
      await rm(`${dir}/${file}`);
      await rm(`${dir}/${file}.map`, { force: true });
    }
  return [...packs.keys()];
}
