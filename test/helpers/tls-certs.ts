// Certificates for TLS tests, made with openssl at test time (shared/RECIPES.md "Certificates for
// TLS tests"): a test CA, and leaves signed by it that are good, already expired, or for another
// host; plus a self-signed leaf. Also a tiny HTTPS server to present them. Used by the net, health
// and doctor tests. openssl comes from .ci/run's apt step; `opensslAvailable()` lets a test skip
// with a clear reason on a machine without it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface CertPair {
  /** PEM */
  cert: string;
  /** PEM */
  key: string;
  certFile: string;
  keyFile: string;
}

export interface TestCertificates {
  dir: string;
  /** The test CA; point NODE_EXTRA_CA_CERTS at `ca.certFile` to trust it. */
  ca: CertPair;
  /** Signed by the CA, for 127.0.0.1 and localhost, valid 20 days. */
  good: CertPair;
  /** Signed by the CA, for 127.0.0.1 and localhost, valid January 2024 only. */
  expired: CertPair;
  /** Signed by the CA, valid, but for portal.other.example only. */
  wrongHost: CertPair;
  /** Self-signed, for 127.0.0.1 and localhost. */
  selfSigned: CertPair;
}

export function opensslAvailable(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function pair(dir: string, name: string): CertPair {
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8"), certFile, keyFile };
}

const LOCAL_SAN = "subjectAltName=IP:127.0.0.1,DNS:localhost";

/** Makes the whole set in a fresh temp folder (about 1 s: five RSA keys). */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "rxportal-certs-"));
  // Each command reads as openssl's own command line; words with spaces come as extra arguments.
  const run = (line: string, ...extra: string[]) => openssl(dir, [...line.split(" "), ...extra]);
  run(
    "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30",
    "-subj",
    "/CN=rxportal Test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  const leaf = (name: string, cn: string, san: string) => {
    run(`req -newkey rsa:2048 -nodes -keyout ${name}.key -out ${name}.csr -subj /CN=${cn}`);
    writeFileSync(join(dir, `${name}.ext`), `${san}\n`);
  };
  const sign = (name: string) =>
    run(
      `x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out ${name}.pem -days 20 -extfile ${name}.ext`,
    );

  leaf("good", "localhost", LOCAL_SAN);
  sign("good");
  leaf("wrong-host", "portal.other.example", "subjectAltName=DNS:portal.other.example");
  sign("wrong-host");

  // `x509 -req` cannot date a certificate in the past; `openssl ca` can, with a minimal config.
  leaf("expired", "localhost", LOCAL_SAN);
  writeFileSync(join(dir, "index.txt"), "");
  writeFileSync(join(dir, "serial"), "1000\n");
  writeFileSync(
    join(dir, "ca.cnf"),
    [
      "[ ca ]",
      "default_ca = test_ca",
      "[ test_ca ]",
      `dir = ${dir}`,
      "database = $dir/index.txt",
      "serial = $dir/serial",
      "new_certs_dir = $dir",
      "default_md = sha256",
      "policy = any",
      "copy_extensions = none",
      "unique_subject = no",
      "[ any ]",
      "commonName = supplied",
      "[ leaf_ext ]",
      "subjectAltName = IP:127.0.0.1,DNS:localhost",
      "",
    ].join("\n"),
  );
  run(
    "ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem" +
      " -startdate 20240101000000Z -enddate 20240201000000Z -extensions leaf_ext -notext",
  );

  run(
    "req -x509 -newkey rsa:2048 -nodes -keyout self-signed.key -out self-signed.pem -days 20 -subj /CN=localhost",
    "-addext",
    LOCAL_SAN,
  );

  return {
    dir,
    ca: pair(dir, "ca"),
    good: pair(dir, "good"),
    expired: pair(dir, "expired"),
    wrongHost: pair(dir, "wrong-host"),
    selfSigned: pair(dir, "self-signed"),
  };
}

export interface TestTlsServer {
  server: Server;
  port: number;
  /** https://127.0.0.1:<port> */
  origin: string;
  close(): Promise<void>;
}

/**
 * An HTTPS server on 127.0.0.1:0 presenting `pair`. By default it answers every request with a
 * small JSON body; pass a handler to do more (e.g. proxy to a sandbox, or answer /status).
 */
export async function startTlsServer(
  pair: CertPair,
  handler: Parameters<typeof createHttpsServer>[1] = (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok":true}');
  },
): Promise<TestTlsServer> {
  const server = createHttpsServer({ cert: pair.cert, key: pair.key }, handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    origin: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
