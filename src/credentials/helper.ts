// Keychain calls run in a small helper process that we can kill, not in the CLI's own process.
//
// Why not @napi-rs/keyring's AsyncEntry in-process (measured on Debian 12, keyring 2.1.2):
// - the AsyncEntry *constructor* connects to D-Bus synchronously on the main thread. With a bus
//   that accepts the connection but never answers it blocked for over 40 s; with a stopped
//   gnome-keyring-daemon it blocked 2 s. No timer can fire meanwhile.
// - aborting the AbortSignal cannot stop a native call already running on the thread pool, so an
//   unlock prompt waiting for the user keeps the process alive after we have given up.
// - a worker_thread does not help: Node joins worker threads at exit, so the CLI still hangs.
// A child process answers all three: the deadline is a timer in our process, and on timeout the
// helper is killed. It is spawned once per store on first use (~0.1 s), serves every call over
// the IPC channel, and is unref'd while idle so it never keeps the CLI running.
//
// Secrets travel over the IPC pipe only: never argv (visible in `ps`), env or a file.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import type { FindAccounts, KeyringEntry, KeyringEntryFactory, LinuxStore } from "./entry.js";

type Op = "get" | "set" | "delete" | "find";

interface HelperRequest {
  id: number;
  op: Op;
  service: string;
  account: string;
  secret?: string;
  store?: LinuxStore;
}

type HelperReply =
  | { id: number; ok: true; value: string | boolean | null }
  | { id: number; ok: false; message: string; code?: string };

// CommonJS, run with `node -e`: no file to ship beside the bundle. It answers with the first line
// of an error's message only (no stack, no cause chain), and exits when its parent goes away.
const HELPER_SOURCE = `
"use strict";
let keyring;
let loadError;
try { keyring = require(process.argv[1]); } catch (error) { loadError = error; }
const line = (error) => String((error && error.message) || error).split(/\\r?\\n/)[0];
process.on("message", async (request) => {
  let reply;
  try {
    if (loadError) throw loadError;
    const options = request.store ? { linux: { store: request.store } } : undefined;
    const entry = request.op === "find" ? undefined : new keyring.AsyncEntry(request.service, request.account, options);
    let value = null;
    if (request.op === "get") value = await entry.getPassword();
    else if (request.op === "set") await entry.setPassword(request.secret);
    else if (request.op === "delete") value = await entry.deleteCredential();
    // Account names only: the secrets findCredentials also returns never leave the helper.
    else if (request.op === "find") value = JSON.stringify((await keyring.findCredentialsAsync(request.service)).map((c) => c.account));
    else throw new Error("unknown operation " + request.op);
    reply = { id: request.id, ok: true, value: value };
  } catch (error) {
    reply = { id: request.id, ok: false, message: line(error), code: error && typeof error.code === "string" ? error.code : undefined };
  }
  if (process.connected) process.send(reply);
});
process.on("disconnect", () => process.exit(0));
`;

interface Pending {
  resolve(value: string | boolean | null): void;
  reject(error: Error): void;
}

export interface KeyringHelperOptions {
  /**
   * The environment the helper runs with. On Linux the keychain library reads
   * DBUS_SESSION_BUS_ADDRESS from it. Default: this process's environment.
   */
  env?: Record<string, string | undefined>;
  /** The Node binary; default: the one running us. */
  nodePath?: string;
}

export class KeyringHelperError extends Error {
  readonly code?: string;
  constructor(message: string, code?: string) {
    super(message);
    this.name = "KeyringHelperError";
    this.code = code;
  }
}

/** One helper process, started on first use and restarted after it is killed. */
export class KeyringHelper {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly env: Record<string, string | undefined> | undefined;
  private readonly nodePath: string | undefined;

  constructor(options: KeyringHelperOptions = {}) {
    this.env = options.env;
    this.nodePath = options.nodePath;
  }

  /** The helper's process id while it runs (tests check it is gone after a timeout). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** An Entry-like view of one keychain item, served by this helper. */
  readonly entries: KeyringEntryFactory = (service, account, store) => {
    const call = (op: Op, signal?: AbortSignal, secret?: string) =>
      this.request({ op, service, account, secret, store }, signal);
    return {
      getPassword: async (signal) => {
        const value = await call("get", signal);
        return typeof value === "string" ? value : null;
      },
      setPassword: async (password, signal) => {
        await call("set", signal, password);
      },
      deleteCredential: async (signal) => (await call("delete", signal)) === true,
    } satisfies KeyringEntry;
  };

  /** The account names under one service, listed by the helper (secrets stay there). */
  readonly find: FindAccounts = async (service, signal) => {
    const value = await this.request({ op: "find", service, account: "" }, signal);
    const parsed: unknown = typeof value === "string" ? JSON.parse(value) : [];
    return Array.isArray(parsed) ? parsed.filter((a): a is string => typeof a === "string") : [];
  };

  /** Stops the helper now; pending calls fail. Safe to call twice. */
  close(): void {
    this.stop(new KeyringHelperError("The keychain helper was closed."));
  }

  private request(body: Omit<HelperRequest, "id">, signal?: AbortSignal): Promise<string | boolean | null> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const child = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        // A call we gave up on may be stuck inside the native library: only killing the helper
        // stops it. Other calls in flight fail with the same reason; the next call starts afresh.
        this.stop(abortReason(signal));
      };
      const settle = () => {
        signal?.removeEventListener("abort", onAbort);
        this.pending.delete(id);
        if (this.pending.size === 0) this.idle(child);
      };
      this.pending.set(id, {
        resolve: (value) => {
          settle();
          resolve(value);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      this.busy(child);
      child.send({ id, ...body } satisfies HelperRequest, (error) => {
        if (error)
          this.pending
            .get(id)
            ?.reject(new KeyringHelperError(`Could not reach the keychain helper: ${error.message}`));
      });
    });
  }

  private start(): ChildProcess {
    if (
      this.child &&
      this.child.exitCode === null &&
      this.child.signalCode === null &&
      this.child.connected
    ) {
      return this.child;
    }
    const keyringPath = createRequire(import.meta.url).resolve("@napi-rs/keyring");
    const child = spawn(this.nodePath ?? process.execPath, ["-e", HELPER_SOURCE, keyringPath], {
      // stderr is dropped too: the native library may print diagnostics we must not relay.
      stdio: ["ignore", "ignore", "ignore", "ipc"],
      env: this.env as NodeJS.ProcessEnv | undefined,
      windowsHide: true,
      serialization: "json",
    });
    child.on("message", (message: HelperReply) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      if (message.ok) waiting.resolve(message.value);
      else waiting.reject(new KeyringHelperError(message.message, message.code));
    });
    child.on("error", (error) => {
      if (this.child === child)
        this.stop(new KeyringHelperError(`The keychain helper failed: ${error.message}`));
    });
    child.on("exit", (code, signal) => {
      if (this.child === child) {
        this.stop(new KeyringHelperError(`The keychain helper stopped (${signal ?? `exit code ${code}`}).`));
      }
    });
    this.child = child;
    return child;
  }

  private stop(reason: Error): void {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    for (const waiting of [...this.pending.values()]) waiting.reject(reason);
    this.pending.clear();
  }

  private busy(child: ChildProcess): void {
    child.ref();
    child.channel?.ref();
  }

  private idle(child: ChildProcess): void {
    child.unref();
    child.channel?.unref();
  }
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new KeyringHelperError("The keychain call was aborted.");
}
