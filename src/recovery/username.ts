// Forgotten username: the portal emails it to the address on file. Its answer is the same whether
// or not an account matched, and so is ours.

import { bundledSandboxOutbox } from "../auth/sign-in.js";
import type { UsernameRecovery } from "./identity.js";
import type { RecoveryDeps } from "./reset.js";

export interface UsernameRecoveryRequested {
  profile: string;
  /** Which details were given (not the details themselves). */
  by: "email" | "memberId";
  requestId?: string;
  sandboxOutbox?: string;
}

export async function recoverUsername(
  deps: Pick<RecoveryDeps, "profile" | "portal" | "globals" | "fetchOverride" | "signal">,
  who: UsernameRecovery,
): Promise<UsernameRecoveryRequested> {
  const [profile, client] = await Promise.all([deps.profile(), deps.portal()]);
  await client.recoverUsername(who);
  return {
    profile: profile.name,
    by: "email" in who ? "email" : "memberId",
    requestId: client.lastRequestId,
    // Only the bundled sandbox has an outbox; a real portal on this machine does not.
    sandboxOutbox: await bundledSandboxOutbox(deps, profile),
  };
}
