// scripts/build.mjs compiles trees/*.yaml to the validated tree's JSON (scripts/tree-json.ts), so a
// fresh build needs no trees/ folder beside dist/ and no YAML parser for the built-in tree.
declare module "*.yaml" {
  const tree: import("./tree-schema.js").TreeFile;
  export default tree;
}
