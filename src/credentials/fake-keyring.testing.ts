// A scriptable stand-in for @napi-rs/keyring's AsyncEntry, for unit tests: an in-memory map of
// items, plus per-call behaviour to simulate a hang or a native failure.
import type { FindAccounts, KeyringEntry, KeyringEntryFactory, LinuxStore } from "./entry.js";

export type FakeOp = "get" | "set" | "delete";

export interface FakeCall {
  op: FakeOp;
  service: string;
  account: string;
  store?: LinuxStore;
}

/** What a call does instead of working: throw this, or never settle ("hang"). */
export type FakeBehaviour = Error | "hang" | undefined;

export class FakeKeyring {
  readonly items = new Map<string, string>();
  readonly calls: FakeCall[] = [];
  /** Signals passed to calls that were still pending when aborted. */
  readonly aborted: FakeCall[] = [];
  /** Decides per call; default: work. */
  behaviour: (call: FakeCall) => FakeBehaviour = () => undefined;

  static key(service: string, account: string, store?: LinuxStore): string {
    return JSON.stringify([store ?? "default", service, account]);
  }

  readonly entries: KeyringEntryFactory = (service, account, store) => {
    const act = <T>(op: FakeOp, signal: AbortSignal | undefined, work: () => T): Promise<T> => {
      const call: FakeCall = { op, service, account, store };
      this.calls.push(call);
      const behaviour = this.behaviour(call);
      if (behaviour === "hang") {
        return new Promise<T>(() => {
          signal?.addEventListener("abort", () => this.aborted.push(call), { once: true });
        });
      }
      if (behaviour instanceof Error) return Promise.reject(behaviour);
      return Promise.resolve().then(work);
    };
    const key = FakeKeyring.key(service, account, store);
    return {
      getPassword: (signal) => act("get", signal, () => this.items.get(key) ?? null),
      setPassword: (password, signal) =>
        act("set", signal, () => {
          this.items.set(key, password);
        }),
      deleteCredential: (signal) => act("delete", signal, () => this.items.delete(key)),
    } satisfies KeyringEntry;
  };
}

/** The fake's `find`: account names under a service, in any store. */
export function fakeFind(keyring: FakeKeyring): FindAccounts {
  return async (service) =>
    [...keyring.items.keys()]
      .map((key) => JSON.parse(key) as [string, string, string])
      .filter(([, s]) => s === service)
      .map(([, , account]) => account);
}

/** An error shaped like the native ones: several lines, a Rust backtrace, a code and a cause. */
export function nativeError(firstLine: string): Error {
  const error = new Error(
    `${firstLine}\n\nCaused by:\n    0: org.freedesktop.DBus.Error.AccessDenied\n` +
      "stack backtrace:\n   0: keyring::secret_service::Entry::get_password\n             at /rustc/src/lib.rs:42:7",
  );
  Object.assign(error, { code: "GenericFailure", cause: new Error("inner detail\nmore") });
  return error;
}
