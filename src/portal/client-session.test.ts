// The session is a value, not client state: an anonymous client refuses every authenticated
// operation before sending anything, and views of one client for different sessions never lend
// each other their bearer, however their calls interleave. Checked at a real node:http server.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthRequiredError, ExitCode } from "../errors.js";
import { type OperationId, PortalClient } from "./client.js";
import { operations } from "./contract.js";

const ME = {
  name: "Alice",
  dateOfBirth: "1980-01-01",
  enrolleeType: "commercial",
  recoveryEmailHint: "a***@example.com",
  phoneHint: "***-***-1234",
  dependents: [],
};

interface Seen {
  method: string;
  path: string;
  authorization?: string;
}

let server: Server;
let baseUrl: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const authorization = req.headers.authorization;
    seen.push({
      method: req.method ?? "",
      path: new URL(req.url ?? "/", "http://x").pathname,
      authorization,
    });
    req.resume();
    req.on("end", () => {
      const token = authorization?.replace(/^Bearer /, "");
      // A little jitter so that answers come back in another order than the requests went out.
      setTimeout(
        () => {
          if (req.method === "POST" && req.url?.endsWith("/auth/logout")) {
            res.writeHead(204).end();
            return;
          }
          res
            .writeHead(200, { "content-type": "application/json" })
            // The member id is the bearer it was asked with: the caller can check it got its own.
            .end(JSON.stringify({ ...ME, memberId: token ?? "nobody" }));
        },
        Math.floor(Math.random() * 5),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

const authenticated = operations.filter((op) => op.auth).map((op) => op.id as OperationId);
const params = { rxId: "RX1", orderId: "O-1" };

describe("PortalClient sessions", () => {
  it("covers the contract's authenticated operations", () => {
    expect(authenticated).toEqual(
      expect.arrayContaining(["getMe", "logout", "orderRefills", "listOrders", "getOrder"]),
    );
  });

  it("an anonymous client refuses every authenticated operation with AuthRequiredError, sending nothing", async () => {
    let sent = 0;
    const client = new PortalClient({
      baseUrl,
      fetch: async (...args) => {
        sent++;
        return globalThis.fetch(...args);
      },
    });
    for (const id of authenticated) {
      const e = await client.call(id, { params, body: {} }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(e, id).toBeInstanceOf(AuthRequiredError);
      expect(e, id).toMatchObject({ exitCode: ExitCode.noPermission, code: "not_signed_in" });
    }
    await expect(client.getMe()).rejects.toBeInstanceOf(AuthRequiredError);
    await expect(client.orderRefills({ memberId: "M1", rxIds: ["RX1"] }, "k")).rejects.toBeInstanceOf(
      AuthRequiredError,
    );
    // Nothing to end: logout on an anonymous client is a no-op, not a request.
    await client.logout();
    expect(sent).toBe(0);
  });

  it("as(session) leaves the client itself anonymous", async () => {
    let sent = 0;
    const client = new PortalClient({
      baseUrl,
      fetch: async (...args) => {
        sent++;
        return globalThis.fetch(...args);
      },
    });
    const alice = client.as({ accessToken: "alice-token" });
    expect((await alice.getMe()).memberId).toBe("alice-token");
    await expect(client.getMe()).rejects.toBeInstanceOf(AuthRequiredError);
    expect(sent).toBe(1);
    expect(() => client.as({ accessToken: "" })).toThrow(/bug/);
  });

  it("two sessions on one client never mix: every request carries its own bearer (fast-check)", async () => {
    const client = new PortalClient({ baseUrl, fetch: globalThis.fetch, maxRetries: 0 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom("A", "B"), { minLength: 1, maxLength: 24 }),
        fc.boolean(),
        async (who, concurrent) => {
          seen.length = 0;
          const views = {
            A: client.as({ accessToken: "token-A" }),
            B: client.as({ accessToken: "token-B" }),
          };
          const one = async (name: "A" | "B") => (await views[name].getMe()).memberId;
          const answers: string[] = [];
          if (concurrent) answers.push(...(await Promise.all(who.map(one))));
          else for (const name of who) answers.push(await one(name));
          // Each caller got the answer for its own session...
          expect(answers).toEqual(who.map((name) => `token-${name}`));
          // ...and the portal saw exactly as many requests per bearer as there were calls.
          const count = (name: string) =>
            seen.filter((s) => s.authorization === `Bearer token-${name}`).length;
          expect(seen).toHaveLength(who.length);
          expect(count("A")).toBe(who.filter((n) => n === "A").length);
          expect(count("B")).toBe(who.filter((n) => n === "B").length);
          // The anonymous client, between them, still sends nothing authenticated.
          await expect(client.getMe()).rejects.toBeInstanceOf(AuthRequiredError);
          expect(seen).toHaveLength(who.length);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("ending one session does not end the other", async () => {
    seen.length = 0;
    const client = new PortalClient({ baseUrl, fetch: globalThis.fetch });
    const a = client.as({ accessToken: "token-A" });
    const b = client.as({ accessToken: "token-B" });
    await a.logout();
    expect((await b.getMe()).memberId).toBe("token-B");
    expect(seen.map((s) => `${s.method} ${s.path.replace(/^\/api\/v1/, "")} ${s.authorization}`)).toEqual([
      "POST /auth/logout Bearer token-A",
      "GET /me Bearer token-B",
    ]);
  });
});
