import type { AppContext } from "../../context.js";
import {
  NOTHING_ARRIVED_CODE,
  resetCodeRules,
  resetCodeSent,
  SIGN_IN_AFRESH,
} from "../../recovery/advice.js";
import type { ResetDone, ResetRequested } from "../../recovery/reset.js";
import { note, printLine } from "../../ui/output.js";

/** A username as it can be pasted into a shell command. */
function shellWord(value: string): string {
  return /^[\w.@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function confirmStep(username: string | undefined): string {
  return `rxportal reset confirm --username ${username === undefined ? "<your username>" : shellWord(username)}`;
}

export function requestDocument(requested: ResetRequested, next: string) {
  return {
    message: resetCodeSent(requested),
    codeRules: resetCodeRules(requested.codeTtlMinutes),
    ...requested,
    next,
    ifNothingArrives: NOTHING_ARRIVED_CODE,
  };
}

export function doneDocument(done: ResetDone) {
  return {
    reset: true,
    unlocked: true,
    ...done,
    next: `rxportal login --username ${shellWord(done.username)}`,
  };
}

/** What a reset request did, in words: the result on `out`, the advice always on stderr. */
export function tellRequested(ctx: AppContext, requested: ResetRequested, out: (line: string) => void): void {
  out(resetCodeSent(requested));
  out(resetCodeRules(requested.codeTtlMinutes));
  if (requested.sandboxOutbox) note(ctx, `Sandbox portal: the code is shown at ${requested.sandboxOutbox}`);
}

export function tellDone(ctx: AppContext, done: ResetDone): void {
  printLine(ctx, `The password for ${done.username} is changed, and the account is unlocked.`);
  if (done.rememberedPasswordUpdated)
    printLine(ctx, "The password remembered in the keychain is updated too.");
  note(ctx, SIGN_IN_AFRESH);
}
