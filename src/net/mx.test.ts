import { createSocket, type Socket } from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lookupMx } from "./mx.js";

/**
 * A tiny DNS server on 127.0.0.1 for MX questions: `mail.example` has two MX records, `null.example`
 * the RFC 7505 null MX, `nomail.example` exists without MX (NOERROR, no answers), `slow.example`
 * never answers, anything else is NXDOMAIN.
 */
function startDns(): Promise<{ socket: Socket; server: string }> {
  const socket = createSocket("udp4");
  const encodeName = (name: string) =>
    Buffer.concat([
      ...name
        .split(".")
        .filter(Boolean)
        .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])),
      Buffer.from([0]),
    ]);
  socket.on("message", (query, peer) => {
    // Question: the name from offset 12, then type and class.
    let offset = 12;
    const labels: string[] = [];
    while ((query[offset] as number) !== 0) {
      const len = query[offset] as number;
      labels.push(query.subarray(offset + 1, offset + 1 + len).toString());
      offset += len + 1;
    }
    const questionEnd = offset + 5;
    const name = labels.join(".").toLowerCase();
    if (name === "slow.example") return;
    const records: [number, string][] =
      name === "mail.example"
        ? [
            [20, "backup.mail.example"],
            [10, "mx1.mail.example"],
          ]
        : name === "null.example"
          ? [[0, ""]]
          : [];
    const rcode = ["mail.example", "null.example", "nomail.example"].includes(name) ? 0 : 3;
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(0x8180 | rcode, 2); // response, RD, RA, rcode
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(records.length, 6);
    const answers = records.map(([preference, exchange]) => {
      const rdata = Buffer.concat([Buffer.from([preference >> 8, preference & 0xff]), encodeName(exchange)]);
      const fixed = Buffer.alloc(10);
      fixed.writeUInt16BE(15, 0); // MX
      fixed.writeUInt16BE(1, 2); // IN
      fixed.writeUInt32BE(300, 4);
      fixed.writeUInt16BE(rdata.length, 8);
      return Buffer.concat([Buffer.from([0xc0, 12]), fixed, rdata]);
    });
    socket.send(
      Buffer.concat([header, query.subarray(12, questionEnd), ...answers]),
      peer.port,
      peer.address,
    );
  });
  return new Promise((resolve) =>
    socket.bind(0, "127.0.0.1", () => resolve({ socket, server: `127.0.0.1:${socket.address().port}` })),
  );
}

let dns: { socket: Socket; server: string };
beforeAll(async () => {
  dns = await startDns();
});
afterAll(() => dns.socket.close());

describe("lookupMx", () => {
  const opts = () => ({ timeoutMs: 1000, servers: [dns.server] });

  it("lists the mail servers, best preference first", async () => {
    expect(await lookupMx("mail.example", opts())).toEqual({
      ok: true,
      exchanges: ["mx1.mail.example", "backup.mail.example"],
    });
  });

  it("a domain that does not exist is ENOTFOUND; one without MX, or with the null MX, is ENODATA", async () => {
    const missing = await lookupMx("no-such.example", opts());
    expect(missing).toMatchObject({ ok: false, code: "ENOTFOUND" });
    if (!missing.ok) expect(missing.message).toMatch(/does not exist/);
    expect(await lookupMx("nomail.example", opts())).toMatchObject({ ok: false, code: "ENODATA" });
    const nullMx = await lookupMx("null.example", opts());
    expect(nullMx).toMatchObject({ ok: false, code: "ENODATA" });
    if (!nullMx.ok) expect(nullMx.message).toMatch(/no mail servers/);
  });

  it("a DNS server that never answers: a timeout code within the budget", async () => {
    const started = performance.now();
    const result = await lookupMx("slow.example", { timeoutMs: 300, servers: [dns.server] });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe("ETIMEOUT");
  });

  it("an aborted signal answers ABORTED at once, and an abort during the lookup too", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await lookupMx("mail.example", { ...opts(), signal: controller.signal })).toMatchObject({
      ok: false,
      code: "ABORTED",
    });
    const later = new AbortController();
    const pending = lookupMx("slow.example", {
      timeoutMs: 5000,
      servers: [dns.server],
      signal: later.signal,
    });
    setTimeout(() => later.abort(), 50);
    expect(await pending).toMatchObject({ ok: false, code: "ABORTED" });
  });
});
