import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    {
      // The build bundles trees/*.yaml as text (esbuild's text loader); tests import them the same way.
      name: "yaml-as-text",
      transform(code, id) {
        if (id.endsWith(".yaml")) return { code: `export default ${JSON.stringify(code)};`, map: null };
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
