// health serve's TLS listener (--web-config-file's tls_server_config): the files read into a
// secure context, a stamp to notice when they change, and the client-certificate policies that
// Node's own options do not express.
import { statSync } from "node:fs";
import { createSecureContext, type SecureContextOptions, type TLSSocket } from "node:tls";
import { ConfigError } from "../errors.js";
import { readUserFile } from "../state/files.js";
import type { ClientAuthType, WebTls } from "./web-config.js";

export interface TlsFiles {
  context: SecureContextOptions;
  /** The files' sizes and times as they were read. */
  stamped: string;
  /** The files' sizes and times now: a change means they are to be read again. */
  stamp(): string;
}

/** A certificate chain or a CA bundle is some kilobytes; the system's whole CA store about 200 KB. */
const MAX_PEM_BYTES = 4 * 1024 * 1024;

function paths(tls: WebTls): string[] {
  return [tls.certFile, tls.keyFile, ...(tls.clientCaFile ? [tls.clientCaFile] : [])];
}

function stampOf(files: string[]): string {
  return files
    .map((file) => {
      try {
        const s = statSync(file);
        return `${s.size}:${s.mtimeMs}:${s.ino}`;
      } catch {
        return "missing";
      }
    })
    .join("|");
}

/** Reads the certificate, key and client CAs; a ConfigError (one line, naming the file) otherwise. */
export function readTlsFiles(tls: WebTls): TlsFiles {
  const files = paths(tls);
  const stamped = stampOf(files);
  // PEM text, read as every file a user names (src/state/files.ts): a regular UTF-8 file of
  // bounded size; a FIFO or a device is one line at once instead of a read that never ends.
  const read = (file: string, key: string) =>
    readUserFile(file, { maxBytes: MAX_PEM_BYTES, label: `tls_server_config.${key} ${file}` });
  const context: SecureContextOptions = {
    cert: read(tls.certFile, "cert_file"),
    key: read(tls.keyFile, "key_file"),
    ca: tls.clientCaFile ? read(tls.clientCaFile, "client_ca_file") : undefined,
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
  };
  try {
    createSecureContext(context);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^error:[0-9A-F]+:/, "") : String(error);
    throw new ConfigError(
      `tls_server_config: the certificate ${tls.certFile} and key ${tls.keyFile} cannot be used (${reason}).`,
      { file: tls.certFile },
    );
  }
  return { context, stamped, stamp: () => stampOf(files) };
}

/**
 * The policies Node's requestCert/rejectUnauthorized leave to us: RequireAnyClientCert wants a
 * certificate, any; VerifyClientCertIfGiven wants a given one to verify. Undefined: accepted.
 */
export function checkClientCert(type: ClientAuthType, socket: TLSSocket): string | undefined {
  if (type !== "RequireAnyClientCert" && type !== "VerifyClientCertIfGiven") return undefined;
  const cert = socket.getPeerCertificate();
  const given = cert && Object.keys(cert).length > 0;
  if (type === "RequireAnyClientCert") return given ? undefined : "no client certificate";
  if (given && !socket.authorized) return `client certificate not trusted (${socket.authorizationError})`;
  return undefined;
}
