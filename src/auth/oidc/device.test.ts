import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cases } from "../../../test/helpers/cases.js";
import type { CliError } from "../../errors.js";
import { type PollAnswer, SLOW_DOWN_STEP_SECONDS, waitForApproval } from "./device.js";
import type { DeviceStart, TokenSet } from "./provider.js";

const tokens: TokenSet = { accessToken: "at", expiresIn: 300 };
const device = (interval: number, expiresIn: number): DeviceStart => ({
  deviceCode: "dc",
  userCode: "UC",
  verificationUri: "https://id.example/device",
  expiresIn,
  interval,
});

/** Plays a provider that answers `answers` in turn (then pending forever), on a simulated clock. */
async function play(interval: number, expiresIn: number, answers: PollAnswer[]) {
  let now = 0;
  const sleeps: number[] = [];
  const said: string[] = [];
  let polls = 0;
  const outcome = await waitForApproval(
    {
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      poll: async () => answers[polls++] ?? { error: "authorization_pending" },
      say: (line) => said.push(line),
    },
    device(interval, expiresIn),
  ).then(
    (r) => ({ ok: r.polls }),
    (e: unknown) => ({ error: e as CliError }),
  );
  return { outcome, sleeps, said };
}

/** What RFC 8628 says should happen: the oracle the loop is held to. */
function expected(interval: number, expiresIn: number, answers: PollAnswer[]) {
  let now = 0;
  let step = interval;
  const sleeps: number[] = [];
  for (let i = 0; ; i++) {
    if (now + step * 1000 > expiresIn * 1000) return { exit: 77, sleeps };
    sleeps.push(step * 1000);
    now += step * 1000;
    const answer = answers[i] ?? { error: "authorization_pending" };
    if ("tokens" in answer) return { exit: 0, sleeps, polls: i + 1 };
    if (answer.error === "slow_down") step += SLOW_DOWN_STEP_SECONDS;
    if (answer.error === "expired_token") return { exit: 77, sleeps };
    if (answer.error === "access_denied") return { exit: 1, sleeps };
  }
}

const waiting = fc.constantFrom<PollAnswer>({ error: "authorization_pending" }, { error: "slow_down" });
const ending = fc.constantFrom<PollAnswer | undefined>(
  { tokens },
  { error: "expired_token" },
  { error: "access_denied", description: "End-User aborted interaction" },
  undefined,
);

describe("waitForApproval (RFC 8628 polling)", () => {
  it("polls at the server's interval, slows by 5 s per slow_down, and ends as the answers say", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 900 }),
        fc.array(waiting, { maxLength: 15 }),
        ending,
        async (interval, expiresIn, before, last) => {
          const answers = last ? [...before, last] : before;
          const got = await play(interval, expiresIn, answers);
          const want = expected(interval, expiresIn, answers);
          expect(got.sleeps).toEqual(want.sleeps);
          if (want.exit === 0) expect(got.outcome).toEqual({ ok: want.polls });
          else expect("error" in got.outcome && got.outcome.error.exitCode).toBe(want.exit);
          // One line per slow_down, naming the new interval.
          const slowDowns = answers
            .slice(0, got.sleeps.length)
            .filter((a) => "error" in a && a.error === "slow_down");
          expect(got.said).toHaveLength(slowDowns.length);
        },
      ),
      { numRuns: cases(300) },
    );
  });

  it("words each ending in one line", async () => {
    const denied = await play(5, 600, [{ error: "access_denied" }]);
    expect("error" in denied.outcome && denied.outcome.error.message).toBe(
      "The sign-in was refused at the provider.",
    );
    const expired = await play(5, 600, [{ error: "expired_token" }]);
    expect("error" in expired.outcome && expired.outcome.error.message).toBe(
      "The sign-in code expired before it was approved.",
    );
    // A code that would end before the next poll is reported expired without asking again.
    const short = await play(5, 4, []);
    expect(short.sleeps).toEqual([]);
  });
});
