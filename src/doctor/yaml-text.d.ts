// scripts/build.mjs bundles .yaml files as text (the built-in tree), so a fresh build needs no
// trees/ folder beside dist/.
declare module "*.yaml" {
  const text: string;
  export default text;
}
