import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { operations } from "./contract.js";
import { buildOpenApi, renderOpenApi } from "./openapi.js";

describe("openapi.json", () => {
  it("is up to date with the zod schemas (run `npm run openapi` if this fails)", async () => {
    const committed = await readFile(new URL("../../openapi.json", import.meta.url), "utf8");
    expect(committed).toBe(renderOpenApi());
  });

  it("has every operation of the contract with every status it names", () => {
    const doc = buildOpenApi() as {
      paths: Record<string, Record<string, { operationId: string; responses: object }>>;
    };
    for (const op of operations) {
      const entry = doc.paths[op.path]?.[op.method.toLowerCase()];
      expect(entry?.operationId, `${op.method} ${op.path}`).toBe(op.id);
      for (const status of Object.keys(op.responses)) {
        expect(Object.keys(entry?.responses ?? {}), `${op.id} ${status}`).toContain(status);
      }
    }
  });
});
