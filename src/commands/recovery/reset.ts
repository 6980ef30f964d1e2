// `rxportal reset request`, `reset confirm`, and plain `reset` (both, asking as it goes).
import { resolveUsername } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import {
  NOTHING_ARRIVED_CODE,
  resetCodeRules,
  resetCodeSent,
  SECURITY_QUESTIONS,
  SIGN_IN_AFRESH,
} from "../../recovery/advice.js";
import { type IdentityFlags, resetIdentity, usernameFlag } from "../../recovery/identity.js";
import {
  confirmReset,
  type ResetDone,
  type ResetRequested,
  requestReset,
  requireTerminalForFullReset,
} from "../../recovery/reset.js";
import { note, printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";

export interface ResetRequestFlags extends IdentityFlags {
  username?: string;
}

export interface ResetConfirmFlags {
  username?: string;
  codeStdin?: boolean;
  newPasswordStdin?: boolean;
}

/** A username as it can be pasted into a shell command. */
function shellWord(value: string): string {
  return /^[\w.@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function confirmStep(username: string | undefined): string {
  return `rxportal reset confirm --username ${username === undefined ? "<your username>" : shellWord(username)}`;
}

function requestDocument(requested: ResetRequested, next: string) {
  return {
    message: resetCodeSent(requested),
    codeRules: resetCodeRules(requested.codeTtlMinutes),
    ...requested,
    next,
    ifNothingArrives: NOTHING_ARRIVED_CODE,
  };
}

function doneDocument(done: ResetDone) {
  return {
    reset: true,
    unlocked: true,
    ...done,
    next: `rxportal login --username ${shellWord(done.username)}`,
  };
}

/** What a reset request did, in words: the result on `out`, the advice always on stderr. */
function tellRequested(ctx: AppContext, requested: ResetRequested, out: (line: string) => void): void {
  out(resetCodeSent(requested));
  out(resetCodeRules(requested.codeTtlMinutes));
  if (requested.sandboxOutbox) note(ctx, `Sandbox portal: the code is shown at ${requested.sandboxOutbox}`);
}

function tellDone(ctx: AppContext, done: ResetDone): void {
  printLine(ctx, `The password for ${done.username} is changed, and the account is unlocked.`);
  if (done.rememberedPasswordUpdated)
    printLine(ctx, "The password remembered in the keychain is updated too.");
  note(ctx, SIGN_IN_AFRESH);
}

export async function resetRequestCommand(ctx: AppContext, flags: ResetRequestFlags): Promise<CommandResult> {
  const who =
    resetIdentity(flags, ctx.clock.now()) ??
    ({ username: await resolveUsername(ctx, await ctx.profile()) } as const);
  const requested = await requestReset(ctx, who);
  const username = "username" in who ? who.username : undefined;
  const next = confirmStep(username);
  if (ctx.globals.json) {
    printJson(ctx, requestDocument(requested, next));
    return;
  }
  tellRequested(ctx, requested, (line) => printLine(ctx, line));
  note(ctx, `Next, with the code: \`${next}\`.`);
  if (username === undefined) note(ctx, "Forgotten the username too? `rxportal username recover`.");
  for (const line of NOTHING_ARRIVED_CODE) note(ctx, line);
  note(ctx, SECURITY_QUESTIONS);
}

export async function resetConfirmCommand(ctx: AppContext, flags: ResetConfirmFlags): Promise<CommandResult> {
  const profile = await ctx.profile();
  const username = await resolveUsername(ctx, profile, usernameFlag(flags.username));
  if (flags.username === undefined && !ctx.globals.json) {
    note(ctx, `Setting a new password for ${username} on ${profile.name}.`);
  }
  const done = await confirmReset(ctx, { ...flags, username });
  if (ctx.globals.json) {
    printJson(ctx, doneDocument(done));
    return;
  }
  tellDone(ctx, done);
}

/** The whole flow at a terminal: request a code, then ask for it and for the new password. */
export async function resetCommand(ctx: AppContext, flags: { username?: string }): Promise<CommandResult> {
  // Before anything is sent: a script must not trigger a code it has no way to type.
  requireTerminalForFullReset(ctx);
  const profile = await ctx.profile();
  const username = await resolveUsername(ctx, profile, usernameFlag(flags.username));
  const requested = await requestReset(ctx, { username });
  tellRequested(ctx, requested, (line) => note(ctx, line));
  note(ctx, NOTHING_ARRIVED_CODE[0] ?? "");
  const done = await confirmReset(ctx, { username });
  if (ctx.globals.json) {
    printJson(ctx, { request: requestDocument(requested, confirmStep(username)), ...doneDocument(done) });
    return;
  }
  tellDone(ctx, done);
}
