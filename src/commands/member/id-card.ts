// `rxportal id-card [--member <id>] [--save] [--offline]`: the digital prescription ID card, and an
// offline copy of it for the day the portal is down or sign-in fails.
//
// The card is health information: its fields go to stdout only, never to stderr, a trace or an
// error message. Notes on stderr name the folder and the date, nothing from the card.
import { lastUsername, requireSession } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { CliError, ExitCode, UsageError } from "../../errors.js";
import { findSavedIdCard, idCardDir, type SavedIdCard, saveIdCard } from "../../member/id-card-store.js";
import type { IdCard } from "../../portal/schemas.js";
import { note, printJson, printLine } from "../../ui/output.js";
import { createStyle } from "../../ui/style.js";
import type { CommandResult } from "../kit.js";
import { describeCard } from "./card-lines.js";
import { checkId, clean, forbiddenMember, localTime, type SessionFlags, sessionOptions } from "./shared.js";

export interface IdCardOptions extends SessionFlags {
  member?: string;
  save?: boolean;
  offline?: boolean;
}

/** Exit codes for "the portal cannot be asked right now", when a saved copy is worth mentioning. */
const CANNOT_ASK: ReadonlySet<number> = new Set([
  ExitCode.unavailable,
  ExitCode.tryLater,
  ExitCode.noPermission,
]);

export async function idCardCommand(ctx: AppContext, opts: IdCardOptions): Promise<CommandResult> {
  if (opts.offline && opts.save) {
    throw new UsageError(
      "--offline shows the saved copy without the portal; --save needs the portal. Give one.",
    );
  }
  const memberId = opts.member === undefined ? undefined : checkId(opts.member, "member id", "SBX100001-01");
  const profile = await ctx.profile();
  if (opts.offline) return showSavedCard(ctx, profile.name, memberId, opts.username ?? profile.username);

  let card: IdCard;
  let username: string;
  try {
    const signed = await requireSession(ctx, sessionOptions(opts));
    username = signed.username;
    card = await signed.client.getIdCard(memberId).catch((error: unknown) => {
      throw forbiddenMember(error, memberId);
    });
  } catch (error) {
    throw await withSavedCopyHint(ctx, error, profile.name, memberId, opts.username ?? profile.username);
  }

  let saved: { file: string; saved: SavedIdCard } | undefined;
  if (opts.save) {
    saved = await saveIdCard({
      dataDir: ctx.paths.dataDir,
      profile: profile.name,
      username,
      self: memberId === undefined,
      card,
      now: ctx.clock.now(),
    });
  }
  if (ctx.globals.json) {
    printJson(ctx, {
      source: "portal",
      card,
      ...(saved ? { savedCopy: { file: saved.file, savedAt: saved.saved.savedAt } } : {}),
    });
  } else {
    for (const line of describeCard(card, createStyle(ctx))) printLine(ctx, line);
  }
  if (saved) {
    note(
      ctx,
      `Saved an offline copy in ${idCardDir(ctx.paths.dataDir)} (only you can read it); \`rxportal id-card --offline${memberFlag(memberId)}\` shows it when the portal is down or you cannot sign in.`,
    );
  }
}

async function showSavedCard(
  ctx: AppContext,
  profile: string,
  memberId: string | undefined,
  usernameFlag: string | undefined,
): Promise<CommandResult> {
  // No keychain, no portal: this is for when those are what fails.
  const username = usernameFlag ?? (await lastUsername(ctx, profile).catch(() => undefined));
  const found = await findSavedIdCard({ dataDir: ctx.paths.dataDir, profile, memberId, username });
  if (!found) {
    throw new CliError(
      `No saved ID card for ${memberId ? `member ${clean(memberId)}` : "you"} on profile ${clean(profile)}.`,
      ExitCode.refused,
      {
        hint: `Your pharmacy can usually look up your coverage, and member services can read you the card's details: \`rxportal contacts\` lists the numbers. Once you can sign in, \`rxportal id-card --save${memberFlag(memberId)}\` keeps a copy.`,
      },
    );
  }
  const banner = `Saved copy from ${localTime(ctx, found.saved.savedAt)}; may be out of date.`;
  if (ctx.globals.json) {
    printJson(ctx, {
      source: "saved copy",
      savedAt: found.saved.savedAt,
      mayBeOutOfDate: true,
      card: found.saved.card,
    });
    note(ctx, banner);
    return;
  }
  const style = createStyle(ctx);
  printLine(ctx, style.color.yellow.bold(banner));
  for (const line of describeCard(found.saved.card, style)) printLine(ctx, line);
  note(ctx, "If the pharmacy cannot use it, member services can confirm your coverage: `rxportal contacts`.");
}

/**
 * When the portal cannot be asked (down, rate limited, locked, not signed in) and a copy was saved,
 * the error's hint points at `--offline`. The copy is not shown unasked: a card from months ago may
 * carry last plan year's group or BIN, and a script must see the failure's exit code.
 */
async function withSavedCopyHint(
  ctx: AppContext,
  error: unknown,
  profile: string,
  memberId: string | undefined,
  usernameFlag: string | undefined,
): Promise<unknown> {
  if (!(error instanceof CliError) || !CANNOT_ASK.has(error.exitCode)) return error;
  const username = usernameFlag ?? (await lastUsername(ctx, profile).catch(() => undefined));
  const found = await findSavedIdCard({ dataDir: ctx.paths.dataDir, profile, memberId, username }).catch(
    () => undefined,
  );
  if (!found) return error;
  const offline = `A saved copy of the ID card from ${localTime(ctx, found.saved.savedAt)} is on this computer: \`rxportal id-card --offline${memberFlag(memberId)}\` shows it.`;
  return new SavedCopyHintError(error, error.hint ? `${error.hint} ${offline}` : offline);
}

/** The same failure (message, exit code, request id, code) with a hint about the saved copy. */
class SavedCopyHintError extends CliError {
  readonly code?: string;
  readonly retryAfterSeconds?: number;
  constructor(original: CliError, hint: string) {
    super(original.message, original.exitCode, { hint, requestId: original.requestId, cause: original });
    if ("code" in original && typeof original.code === "string") this.code = original.code;
    if ("retryAfterSeconds" in original && typeof original.retryAfterSeconds === "number") {
      this.retryAfterSeconds = original.retryAfterSeconds;
    }
  }
}

function memberFlag(memberId: string | undefined): string {
  return memberId ? ` --member ${clean(memberId)}` : "";
}

export { describeCard };
