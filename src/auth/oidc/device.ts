// The device flow's waiting part (RFC 8628 section 3.4-3.5): poll the token endpoint at the
// provider's interval, 5 seconds slower at each slow_down, until tokens, a refusal, or the code's
// end. Pure: the provider, the clock and the sleep are given, so tests decide what time it is.
import { AuthRequiredError, type CliError, PortalRefusedError } from "../../errors.js";
import type { DeviceStart, TokenSet } from "./provider.js";

export type PollAnswer =
  | { tokens: TokenSet }
  | {
      error: "authorization_pending" | "slow_down" | "expired_token" | "access_denied";
      description?: string;
    };

export interface DevicePollDeps {
  poll(device: DeviceStart): Promise<PollAnswer>;
  now(): number;
  /** Rejects when Ctrl-C aborts (InterruptedError). */
  sleep(ms: number): Promise<void>;
  /** One line per change worth telling (a slow_down), for stderr. */
  say?(line: string): void;
}

/** RFC 8628 section 3.5: each slow_down adds 5 seconds to the interval, for this and later polls. */
export const SLOW_DOWN_STEP_SECONDS = 5;

export async function waitForApproval(
  deps: DevicePollDeps,
  device: DeviceStart,
): Promise<{ tokens: TokenSet; polls: number }> {
  const ends = deps.now() + device.expiresIn * 1000;
  let interval = Math.max(1, device.interval);
  let polls = 0;
  for (;;) {
    if (deps.now() + interval * 1000 > ends) throw expired();
    await deps.sleep(interval * 1000);
    polls += 1;
    const answer = await deps.poll(device);
    if ("tokens" in answer) return { tokens: answer.tokens, polls };
    switch (answer.error) {
      case "authorization_pending":
        continue;
      case "slow_down":
        interval += SLOW_DOWN_STEP_SECONDS;
        deps.say?.(
          `rxportal: the provider asked to wait longer between checks: every ${interval} seconds now.`,
        );
        continue;
      case "expired_token":
        throw expired();
      case "access_denied":
        throw new PortalRefusedError(
          `The sign-in was refused at the provider${answer.description ? ` (${answer.description})` : ""}.`,
          {
            code: "access_denied",
            hint: "Run `rxportal login` again and approve the code, or ask the portal's help desk.",
          },
        );
    }
  }
}

function expired(): CliError {
  return new AuthRequiredError("The sign-in code expired before it was approved.", {
    code: "expired_token",
    hint: "Run `rxportal login` again and approve the new code sooner.",
  });
}
