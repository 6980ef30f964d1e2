import { defineConfig } from "vitest/config";
import { compileTree } from "./scripts/tree-json.js";

export default defineConfig({
  plugins: [
    {
      // The build compiles trees/*.yaml to validated JSON (scripts/tree-json.ts); tests import
      // them the same way.
      name: "tree-yaml-as-json",
      async transform(code, id) {
        if (id.endsWith(".yaml"))
          return { code: `export default ${await compileTree(id, code)};`, map: null };
        return undefined;
      },
    },
  ],
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    globalSetup: ["test/global-setup.ts"],
  },
});
