// The control surface can read one-time codes, so it must refuse peers that are not on loopback,
// even when the sandbox listens on every interface. Needs a non-loopback IPv4 address on this host.
import { networkInterfaces } from "node:os";
import { describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/server.js";

const external = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && !a.internal && a.family === "IPv4")?.address;

describe("control surface over the network", () => {
  it.skipIf(!external)("answers 403 to a non-loopback peer while the portal API still answers", async () => {
    const sb = await startSandbox({ host: "0.0.0.0" });
    try {
      const viaNetwork = `http://${external}:${sb.port}`;
      const refused = await fetch(`${viaNetwork}/_sandbox/outbox`);
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { code: string }).code).toBe("forbidden");
      expect((await fetch(`${viaNetwork}/api/v1/status`)).status).toBe(200);
      expect(sb.origin).toBe(`http://127.0.0.1:${sb.port}`);
      expect((await fetch(`${sb.origin}/_sandbox/outbox`)).status).toBe(200);
    } finally {
      await sb.close();
    }
  });
});
