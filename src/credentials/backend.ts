// Which keychain rxportal can really use here, found by trying it: `rxportal keychain status`
// prints this, and `login --remember` refuses unless `persistent` is true.
//
// On Linux @napi-rs/keyring picks a Secret Service on D-Bus and silently falls back to the kernel
// keyring (keyutils), whose secrets vanish at logout or reboot. So each store is probed on its
// own, pinned, with a write/read/delete round trip of a throwaway item under service
// "rxportal/probe" (a store can accept connections yet refuse writes when locked). Every step is
// bounded like any keychain call, and the probe never throws: failures become `detail`.
import { randomBytes } from "node:crypto";
import { platform as osPlatform } from "node:os";
import type { KeyringEntry, KeyringEntryFactory, LinuxStore } from "./entry.js";
import { firstLine, formatSeconds, KeychainError, withDeadline } from "./errors.js";
import { KeyringHelper } from "./helper.js";
import { DEFAULT_KEYCHAIN_TIMEOUT_MS } from "./keychain.js";

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
  const helper = options.entries ? undefined : new KeyringHelper({ env });
  const entries = options.entries ?? (helper as KeyringHelper).entries;
  try {
    if (platform === "linux") return await describeLinux(env, entries, timeoutMs);
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

async function describeLinux(
  env: Record<string, string | undefined>,
  entries: KeyringEntryFactory,
  timeoutMs: number,
): Promise<BackendInfo> {
  let noSecretService: string;
  if (!env.DBUS_SESSION_BUS_ADDRESS) {
    noSecretService = "DBUS_SESSION_BUS_ADDRESS is not set (no desktop session)";
  } else {
    const secretService = await roundTrip(entries, timeoutMs, "secret-service");
    if (secretService.ok) {
      return {
        backend: "secret-service",
        persistent: true,
        detail: "A Secret Service answered on the D-Bus session bus; secrets are kept across reboots.",
      };
    }
    noSecretService = secretService.reason;
  }
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
