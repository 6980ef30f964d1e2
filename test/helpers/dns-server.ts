// A tiny DNS server on 127.0.0.1 (UDP, port 0) answering MX and NS questions from a table, so
// mail checks can be tested without the internet. A name missing from the table gets `otherwise`:
// NXDOMAIN (rcode 3) by default, like a real resolver; a broken resolver is one whose table is
// empty (it knows not even the root). A name listed as "silent" is never answered.
import { createSocket, type Socket } from "node:dgram";

export interface DnsAnswer {
  /** 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED. */
  rcode?: number;
  mx?: [preference: number, exchange: string][];
  ns?: string[];
}

export interface DnsTable {
  /** Lower-case names without the final dot; "" is the root. */
  names: Record<string, DnsAnswer | "silent">;
  otherwise?: DnsAnswer | "silent";
}

export interface TestDnsServer {
  /** "127.0.0.1:<port>", for Resolver.setServers or RXPORTAL_DNS_SERVERS. */
  server: string;
  /** Every question asked, as "<name> <type>" ("gmail.com MX", " NS" for the root). */
  questions: string[];
  close(): Promise<void>;
}

/** The root zone's answer every working resolver gives. */
export const ROOT: DnsAnswer = { ns: ["a.root-servers.net", "b.root-servers.net"] };

function encodeName(name: string): Buffer {
  return Buffer.concat([
    ...name
      .split(".")
      .filter(Boolean)
      .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])),
    Buffer.from([0]),
  ]);
}

function record(type: number, rdata: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2); // IN
  fixed.writeUInt32BE(300, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  // The owner name is the question's (a pointer to offset 12).
  return Buffer.concat([Buffer.from([0xc0, 12]), fixed, rdata]);
}

export function startDnsServer(table: DnsTable): Promise<TestDnsServer> {
  const socket: Socket = createSocket("udp4");
  const questions: string[] = [];
  socket.on("message", (query, peer) => {
    // Question: the name from offset 12, then type and class.
    let offset = 12;
    const labels: string[] = [];
    while ((query[offset] as number) !== 0) {
      const len = query[offset] as number;
      labels.push(query.subarray(offset + 1, offset + 1 + len).toString());
      offset += len + 1;
    }
    const type = query.readUInt16BE(offset + 1);
    const questionEnd = offset + 5;
    const name = labels.join(".").toLowerCase();
    questions.push(`${name} ${type === 15 ? "MX" : type === 2 ? "NS" : type}`);
    const answer = table.names[name] ?? table.otherwise ?? { rcode: 3 };
    if (answer === "silent") return;
    const records =
      type === 15
        ? (answer.mx ?? []).map(([pref, exchange]) =>
            record(15, Buffer.concat([Buffer.from([pref >> 8, pref & 0xff]), encodeName(exchange)])),
          )
        : type === 2
          ? (answer.ns ?? []).map((ns) => record(2, encodeName(ns)))
          : [];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(0x8180 | (answer.rcode ?? 0), 2); // response, RD, RA, rcode
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(records.length, 6);
    socket.send(
      Buffer.concat([header, query.subarray(12, questionEnd), ...records]),
      peer.port,
      peer.address,
    );
  });
  return new Promise((resolve) =>
    socket.bind(0, "127.0.0.1", () =>
      resolve({
        server: `127.0.0.1:${socket.address().port}`,
        questions,
        close: () => new Promise<void>((done) => socket.close(() => done())),
      }),
    ),
  );
}
