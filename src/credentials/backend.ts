// Which keychain rxportal can really use here, found by trying it: `rxportal keychain status`
// prints this, and `login --remember` refuses unless `persistent` is true.
//
// On Linux @napi-rs/keyring picks a Secret Service on D-Bus and silently falls back to the kernel
// keyring (keyutils), whose secrets vanish at logout or reboot. So each store is probed on its
// own, pinned, with a write/read/delete round trip of a throwaway item under service
// "rxportal/probe" (a store can accept connections yet refuse writes when locked). Every step is
// bounded like any keychain call, and the probe never throws: failures become `detail`.
import { platform as osPlatform } from "node:os";
import { join } from "node:path";
import type { KeyringEntry, KeyringEntryFactory, LinuxStore } from "./entry.js";
import {
  DEFAULT_KEYCHAIN_TIMEOUT_MS,
  firstLine,
  formatSeconds,
  KeychainError,
  withDeadline,
} from "./errors.js";
import type { KeyringHelper } from "./helper.js";

export type BackendKind =
  | "secret-service"
  | "kernel-keyring"
  | "macos-keychain"
  | "windows-credential-manager"
  | "none";

export interface BackendInfo {
  backend: BackendKind;
  /** True only for a store that keeps secrets across reboots. */
  persistent: boolean;
  /** One line for people: what answered, or why nothing did. */
  detail: string;
}

export interface DescribeBackendOptions {
  /** Budget for each probe. */
  timeoutMs?: number;
  /** Default: this machine's platform. */
  platform?: NodeJS.Platform;
  /** Tests pass a fake; default: a helper process running with `env`. */
  entries?: KeyringEntryFactory;
}

export const PROBE_SERVICE = "rxportal/probe";

type ProbeResult = { ok: true } | { ok: false; reason: string };

async function roundTrip(
  entries: KeyringEntryFactory,
  timeoutMs: number,
  linuxStore: LinuxStore | undefined,
): Promise<ProbeResult> {
  const { randomBytes } = await import("node:crypto");
  const account = `probe-${randomBytes(6).toString("hex")}`;
  const value = randomBytes(12).toString("hex");
  const step = <T>(call: (entry: KeyringEntry, signal: AbortSignal) => Promise<T>) =>
    withDeadline(timeoutMs, "probing", (signal) => call(entries(PROBE_SERVICE, account, linuxStore), signal));
  try {
    await step((entry, signal) => entry.setPassword(value, signal));
    // Delete even when the read fails, so a half-working store is not left holding a probe item.
    const read = await step((entry, signal) => entry.getPassword(signal)).then(
      (text) => ({ text }),
      (error: unknown) => ({ error }),
    );
    const deleted = await step((entry, signal) => entry.deleteCredential(signal));
    if ("error" in read) throw read.error;
    if (read.text !== value) return { ok: false, reason: "it did not give back what was written" };
    if (!deleted) return { ok: false, reason: "it lost a probe item it had just stored" };
    return { ok: true };
  } catch (error) {
    if (error instanceof KeychainError && error.failure === "timeout") {
      return { ok: false, reason: `no answer within ${formatSeconds(timeoutMs)} (locked?)` };
    }
    const native = error instanceof KeychainError ? error.nativeMessage : undefined;
    return { ok: false, reason: native ?? firstLine(error) };
  }
}

export async function describeBackend(
  env: Record<string, string | undefined>,
  options: DescribeBackendOptions = {},
): Promise<BackendInfo> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
  const platform = options.platform ?? osPlatform();
  if (platform === "linux") {
    // No helper process, and no kernel keyring probe, when no Secret Service can be on the bus.
    const noBus = await sessionBusMissing(env, Math.min(timeoutMs, BUS_CONNECT_TIMEOUT_MS));
    if (noBus !== undefined) return noLastingKeychain(noBus);
  }
  // The helper's module (and node:child_process) only when there is a store to ask.
  const helper = options.entries ? undefined : new (await import("./helper.js")).KeyringHelper({ env });
  const entries = options.entries ?? (helper as KeyringHelper).entries;
  try {
    if (platform === "linux") return await describeLinux(entries, timeoutMs);
    const result = await roundTrip(entries, timeoutMs, undefined);
    const names: Partial<Record<NodeJS.Platform, [BackendKind, string]>> = {
      darwin: ["macos-keychain", "the macOS Keychain"],
      win32: ["windows-credential-manager", "the Windows Credential Manager"],
    };
    const [backend, label] = names[platform] ?? ["secret-service", "a Secret Service"];
    if (result.ok)
      return { backend, persistent: true, detail: `Using ${label}; secrets are kept across reboots.` };
    return {
      backend: "none",
      persistent: false,
      detail: `${capitalise(label)} did not work: ${result.reason}.`,
    };
  } finally {
    helper?.close();
  }
}

/** A bus that refuses a connection answers at once; this only bounds a stuck connect(). */
const BUS_CONNECT_TIMEOUT_MS = 1000;

/**
 * Why no Secret Service can answer, found without D-Bus or the keychain library: no session bus
 * address, or a unix socket address (path or abstract) that nothing listens on. undefined: the
 * bus is there, or its address is of a kind (tcp, launchd, ...) only the library can try.
 */
export async function sessionBusMissing(
  env: Record<string, string | undefined>,
  timeoutMs: number = BUS_CONNECT_TIMEOUT_MS,
): Promise<string | undefined> {
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  if (!address) return "DBUS_SESSION_BUS_ADDRESS is not set (no desktop session)";
  // Addresses to try in order, `;`-separated: transport:key=value,key=value, values %-escaped.
  const sockets: string[] = [];
  for (const entry of address.split(";")) {
    const colon = entry.indexOf(":");
    if (colon < 0) continue;
    if (entry.slice(0, colon) !== "unix") return undefined;
    const keys = new Map<string, string>();
    for (const pair of entry.slice(colon + 1).split(",")) {
      const eq = pair.indexOf("=");
      if (eq < 0) continue;
      try {
        keys.set(pair.slice(0, eq), decodeURIComponent(pair.slice(eq + 1)));
      } catch {
        return undefined;
      }
    }
    const path = keys.get("path");
    const abstract = keys.get("abstract");
    if (path !== undefined) sockets.push(path);
    else if (abstract !== undefined) sockets.push(`\0${abstract}`);
    else if (keys.get("runtime") === "yes" && env.XDG_RUNTIME_DIR)
      sockets.push(join(env.XDG_RUNTIME_DIR, "bus"));
    else return undefined;
  }
  if (sockets.length === 0) return undefined;
  let why = "";
  for (const socket of sockets) {
    const refused = await connectRefused(socket, timeoutMs);
    if (refused === undefined) return undefined;
    why = refused;
  }
  return `nothing listens at the D-Bus session bus address (${why})`;
}

/** The error code of a refused connection to a unix socket; undefined when it connected (or
 * did not answer in time: then the library's own probe, with its own budget, decides). */
async function connectRefused(path: string, timeoutMs: number): Promise<string | undefined> {
  // node:net loads only when there is a bus address to try (a command without one never needs it).
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket = connect({ path });
    const done = (result: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once("connect", () => done(undefined));
    socket.once("error", (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

/** No session bus: no lasting keychain, said as the Secret Service branch says it. The kernel
 * keyring is not tried: it would only be reported, never used (it forgets at logout). */
function noLastingKeychain(noSecretService: string): BackendInfo {
  return {
    backend: "none",
    persistent: false,
    detail:
      `No lasting keychain. Secret Service: ${noSecretService}. ` +
      "Kernel keyring: not tried (it forgets secrets at logout or reboot).",
  };
}

async function describeLinux(entries: KeyringEntryFactory, timeoutMs: number): Promise<BackendInfo> {
  const secretService = await roundTrip(entries, timeoutMs, "secret-service");
  if (secretService.ok) {
    return {
      backend: "secret-service",
      persistent: true,
      detail: "A Secret Service answered on the D-Bus session bus; secrets are kept across reboots.",
    };
  }
  const noSecretService = secretService.reason;
  const kernel = await roundTrip(entries, timeoutMs, "keyutils");
  if (kernel.ok) {
    return {
      backend: "kernel-keyring",
      persistent: false,
      detail:
        `Only the Linux kernel keyring answered, and it forgets secrets at logout or reboot ` +
        `(no Secret Service: ${noSecretService}).`,
    };
  }
  return {
    backend: "none",
    persistent: false,
    detail: `No keychain answered. Secret Service: ${noSecretService}. Kernel keyring: ${kernel.reason}.`,
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
