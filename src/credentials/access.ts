// The credential store a run uses, and whether what it holds outlives the run. The composition
// (src/compose.ts) opens it; auth, recovery and health take it through their own dependencies.
import type { BackendInfo } from "./backend.js";
import type { CredentialStore } from "./store.js";

/** The credential store in use and whether what it holds survives this run. */
export interface CredentialAccess {
  store: CredentialStore;
  /** False for the in-memory fallback (no Secret Service, kernel keyring only, ...). */
  persistent: boolean;
  backend: BackendInfo;
}
