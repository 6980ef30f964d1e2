// Rate limits. Real portals throttle sign-in and recovery to slow down password guessing and
// account enumeration; the CLI must honour Retry-After, so the sandbox throttles too. Every number
// lives in SandboxLimits so tests can shrink the windows instead of sending hundreds of requests.
import type { Clock } from "../clock.js";

export interface WindowLimit {
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
}

export interface SandboxLimits {
  /** POST /auth/login per client IP. */
  loginPerIp: WindowLimit;
  /** POST /auth/username/recover and /auth/password-reset per identifier (email, username, member id). */
  recoveryPerIdentifier: WindowLimit;
  /** POST /auth/password-reset/confirm per username. */
  resetConfirmPerUsername: WindowLimit;
  /** POST /auth/register per person (member ID or SSN). */
  registerPerIdentifier: WindowLimit;
  /** Minimum seconds between two codes sent for one MFA challenge. */
  mfaResendIntervalSeconds: number;
  /** Wrong codes allowed per MFA challenge before it is dead. */
  mfaMaxAttempts: number;
  /** Wrong codes allowed per reset code before it is dead. */
  resetCodeMaxAttempts: number;
}

export const defaultLimits: SandboxLimits = {
  loginPerIp: { limit: 30, windowSeconds: 60 },
  recoveryPerIdentifier: { limit: 5, windowSeconds: 15 * 60 },
  resetConfirmPerUsername: { limit: 10, windowSeconds: 15 * 60 },
  registerPerIdentifier: { limit: 10, windowSeconds: 15 * 60 },
  mfaResendIntervalSeconds: 30,
  mfaMaxAttempts: 5,
  resetCodeMaxAttempts: 5,
};

export function resolveLimits(overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  return { ...defaultLimits, ...overrides };
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A sliding-window log per key. It reads the sandbox clock, so advancing the clock also lets the
 * window pass, exactly as waiting would on a real portal.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private longestWindowMs = 0;

  constructor(private readonly clock: Clock) {}

  /** Records one request under `key` unless the window is full. */
  take(key: string, rule: WindowLimit): RateDecision {
    const now = this.clock.now();
    const windowMs = rule.windowSeconds * 1000;
    this.longestWindowMs = Math.max(this.longestWindowMs, windowMs);
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - windowMs && t <= now);
    if (recent.length >= rule.limit) {
      this.hits.set(key, recent);
      const oldest = recent[0] ?? now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > 10_000) this.sweep(now);
    return { allowed: true };
  }

  clear(): void {
    this.hits.clear();
  }

  // Keeps memory bounded when many distinct keys (IPs, guessed usernames) pass by.
  private sweep(now: number): void {
    for (const [key, times] of this.hits) {
      if (times.every((t) => t <= now - this.longestWindowMs)) this.hits.delete(key);
    }
  }
}
