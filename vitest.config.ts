import { availableParallelism } from "node:os";
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
    // Every core (vitest's default leaves one free): most tests wait on child processes and
    // sockets. RXPORTAL_TEST_WORKERS sets another number (.ci/run runs suites side by side).
    maxWorkers: Number(process.env.RXPORTAL_TEST_WORKERS) || availableParallelism(),
    globalSetup: ["test/global-setup.ts"],
  },
});
