// health serve's TLS listener (--web-config-file's tls_server_config): the files read into a
// secure context, a stamp to notice when they change, and the client-certificate policies that
// Node's own options do not express.
import { readFileSync, statSync } from "node:fs";
import { createSecureContext, type SecureContextOptions, type TLSSocket } from "node:tls";
import { ConfigError } from "../errors.js";
import type { ClientAuthType, WebTls } from "./web-config.js";

export interface TlsFiles {
  context: SecureContextOptions;
  /** The files' sizes and times as they were read. */
  stamped: string;
  /** The files' sizes and times now: a change means they are to be read again. */
  stamp(): string;
}

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
  const read = (file: string, key: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(
        `tls_server_config.${key} ${file}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : `cannot be read (${code})`}.`,
        { file },
      );
    }
  };
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
