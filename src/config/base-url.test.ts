import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { PortalClient } from "../portal/client.js";
import { operations } from "../portal/contract.js";
import { baseUrlProblem, type OperationId, operationPlaceholders, pathOverrideProblem } from "./base-url.js";

const refuse: typeof fetch = () => Promise.reject(new Error("no requests in this test"));
const clientAccepts = (baseUrl: string, paths: Record<string, string> = {}) => {
  try {
    new PortalClient({ baseUrl, fetch: refuse, paths });
    return true;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return false;
  }
};

describe("baseUrlProblem", () => {
  it.each([
    [
      "portal.acme.example/api/v1",
      /starting with https:\/\/, such as https:\/\/portal\.acme\.example\/api\/v1/,
    ],
    ["https://", /a host name after the scheme/],
    ["http://", /a host name after the scheme/],
    ["ftp://x.example", /https:\/\/, not ftp:\/\//],
    ["http://portal.example/api", /http:\/\/ is allowed only for 127\.0\.0\.1/],
    ["https://u:p@x.example/", /no user name or password/],
    ["https://x.example/?q=1", /no query/],
    ["https://x.example/#f", /no fragment/],
    ["", /a URL such as/],
  ])("%s: %s", (value, expected) => {
    expect(baseUrlProblem(value)).toMatch(expected);
  });

  it.each([
    "https://portal.acme.example/api/v1",
    "http://127.0.0.1:8787/api/v1",
    "http://[::1]:9/api",
    "http://localhost/x",
  ])("accepts %s", (value) => {
    expect(baseUrlProblem(value)).toBeUndefined();
  });

  it("accepts nothing the portal client refuses (the schema is the stricter check)", () => {
    const url = fc.oneof(
      fc.webUrl({
        withQueryParameters: true,
        withFragments: true,
        authoritySettings: { withUserInfo: true, withPort: true },
      }),
      fc.webUrl().map((u) => u.replace(/^https?/, "http")),
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        "http://127.0.0.1:1/api",
        "http://127.1/api",
        "https://[::1]/",
        "http://0x7f.1/",
        "https://x.example:99999/",
      ),
    );
    fc.assert(
      fc.property(url, (value) => {
        if (baseUrlProblem(value) === undefined) expect(clientAccepts(value), value).toBe(true);
      }),
      { numRuns: 200, seed: 9 },
    );
  });
});

describe("path overrides", () => {
  it("know the contract's placeholders for every operation", () => {
    const fromContract = Object.fromEntries(
      operations.map((op) => [op.id, [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])]),
    );
    expect(operationPlaceholders).toEqual(fromContract);
  });

  it("accept what the client accepts, and refuse what it refuses", () => {
    const ids = Object.keys(operationPlaceholders) as OperationId[];
    const path = fc.oneof(
      fc.constantFrom(
        "/v2/signin",
        "v2",
        "/orders/{orderId}",
        "/o/{id}",
        "/rx/{rxId}/auto",
        "/{rxId}/{rxId}",
        "/a/../b",
        "/a?b",
      ),
      fc.string({ maxLength: 20 }).map((s) => `/${s}`),
    );
    fc.assert(
      fc.property(fc.constantFrom(...ids), path, (id, p) => {
        if (pathOverrideProblem(id, p) === undefined) {
          expect(clientAccepts("https://x.example/api", { [id]: p }), `${id}: ${p}`).toBe(true);
        }
      }),
      { numRuns: 400, seed: 10 },
    );
  });
});
