// `rxportal kit [--save] [--member <id>] [--out <file.html>]`: the emergency kit, the ID card plus
// the medication list kept on this computer, for the day sign-in fails and the member still needs
// their medicine. `kit --save` asks the portal; `kit` alone never does: no portal, no keychain, no
// network, only the saved file, with the date it was saved.
//
// The kit is health information: its contents go to stdout (or the --out file, 0600) only, never to
// stderr, a trace or an error message. Notes on stderr name folders and dates, nothing from the kit.
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { lastUsername } from "../../auth/users.js";
import type { AppContext } from "../../context.js";
import { CliError, ExitCode, UsageError } from "../../errors.js";
import { saveIdCard } from "../../member/id-card-store.js";
import { kitHtml } from "../../member/kit-html.js";
import { findSavedKit, kitDir, type SavedKit, saveKit } from "../../member/kit-store.js";
import { isOld, PHARMACY_NOTE, savedAgo, statusWord, supplyWords } from "../../member/kit-words.js";
import type { IdCard, Prescription } from "../../portal/schemas.js";
import { writePrivateFile } from "../../state/files.js";
import { note, printJson, printLine } from "../../ui/output.js";
import { createStyle, type Style } from "../../ui/style.js";
import type { CommandResult } from "../kit.js";
import { describeCard } from "./card-lines.js";
import {
  checkId,
  clean,
  dateWords,
  forbiddenMember,
  localTime,
  noteProblems,
  type SessionFlags,
  sessionOptions,
} from "./shared.js";

export interface KitOptions extends SessionFlags {
  member?: string;
  save?: boolean;
  out?: string;
}

/** Exit codes for "the portal cannot be asked right now", when a saved kit is worth mentioning. */
const CANNOT_ASK: ReadonlySet<number> = new Set([
  ExitCode.unavailable,
  ExitCode.tryLater,
  ExitCode.noPermission,
]);

export async function kitCommand(ctx: AppContext, opts: KitOptions): Promise<CommandResult> {
  const memberId = opts.member === undefined ? undefined : checkId(opts.member, "member id", "SBX100001-01");
  const out = opts.out === undefined ? undefined : checkOut(opts.out);
  const profile = await ctx.profile();
  const usernameHint = opts.username ?? profile.username;

  let kit: { file: string; saved: SavedKit };
  let source: "portal" | "saved copy";
  if (opts.save) {
    kit = await saveFromPortal(ctx, profile.name, memberId, opts, usernameHint);
    source = "portal";
  } else {
    // No keychain, no portal: this is for when those are what fails.
    const username = usernameHint ?? (await lastUsername(ctx, profile.name).catch(() => undefined));
    const found = await findSavedKit({
      dataDir: ctx.paths.dataDir,
      profile: profile.name,
      memberId,
      username,
    });
    if (!found) {
      throw new CliError(
        `No saved emergency kit for ${memberId ? `member ${clean(memberId)}` : "you"} on profile ${clean(profile.name)}.`,
        ExitCode.refused,
        {
          hint: `Once you can sign in, \`rxportal kit --save${memberFlag(memberId)}\` keeps one on this computer. Until then, a pharmacy can usually look up your coverage and your recent fills; \`rxportal contacts\` lists the numbers to call.`,
        },
      );
    }
    kit = found;
    source = "saved copy";
  }

  const now = ctx.clock.now();
  const saved = kit.saved;
  const when = `${localTime(ctx, saved.savedAt)} (${savedAgo(saved.savedAt, now)})`;
  if (ctx.globals.json) {
    printJson(ctx, {
      source,
      savedAt: saved.savedAt,
      savedAgo: savedAgo(saved.savedAt, now),
      mayBeOutOfDate: source === "saved copy",
      memberId: saved.memberId,
      card: saved.card,
      medications: saved.medications,
      pharmacyNote: PHARMACY_NOTE,
      ...(source === "portal" ? { savedKit: { file: kit.file } } : {}),
    });
  } else {
    const fresh = source === "portal";
    for (const line of kitLines(saved, when, createStyle(ctx), fresh)) printLine(ctx, line);
  }
  if (out) {
    await writePrivateFile(out, kitHtml(saved, { savedWords: when, dateWords }));
    note(ctx, `Wrote a printable page to ${out} (only you can read it). Print it, or keep it on your phone.`);
  }
  if (source === "portal") {
    note(
      ctx,
      `Saved the emergency kit in ${kitDir(ctx.paths.dataDir)} (only you can read it); \`rxportal kit${memberFlag(memberId)}\` shows it without signing in, even when the portal is down.`,
    );
  } else if (isOld(saved.savedAt, now)) {
    note(
      ctx,
      "This kit is several months old: save a new one with `rxportal kit --save` when you can sign in.",
    );
  }
  return undefined;
}

async function saveFromPortal(
  ctx: AppContext,
  profile: string,
  memberId: string | undefined,
  opts: KitOptions,
  usernameHint: string | undefined,
): Promise<{ file: string; saved: SavedKit }> {
  const { requireSession } = await import("../../auth/session.js");
  let username: string;
  let card: IdCard;
  let prescriptions: Prescription[];
  try {
    const signed = await requireSession(ctx, sessionOptions(opts));
    username = signed.username;
    const forMember = (error: unknown) => {
      throw forbiddenMember(error, memberId);
    };
    card = await signed.client.getIdCard(memberId).catch(forMember);
    const list = await signed.client.listPrescriptions(memberId ?? card.memberId).catch(forMember);
    prescriptions = list.items;
    noteProblems(ctx, list.problems ?? [], "prescription");
    if ((list.problems ?? []).length > 0) {
      note(
        ctx,
        "rxportal: the kit keeps the prescriptions that could be read; ask the pharmacist about the rest.",
      );
    }
  } catch (error) {
    throw await withSavedKitHint(ctx, error, profile, memberId, usernameHint);
  }
  const self = memberId === undefined;
  const kit = await saveKit({
    dataDir: ctx.paths.dataDir,
    profile,
    username,
    self,
    card,
    prescriptions,
    now: ctx.clock.now(),
  });
  // The kit holds the card, so `id-card --offline` shows the same day's copy.
  await saveIdCard({ dataDir: ctx.paths.dataDir, profile, username, self, card, now: ctx.clock.now() });
  return kit;
}

/** When the portal cannot be asked and a kit was saved before, the error's hint says so. */
async function withSavedKitHint(
  ctx: AppContext,
  error: unknown,
  profile: string,
  memberId: string | undefined,
  usernameFlag: string | undefined,
): Promise<unknown> {
  if (!(error instanceof CliError) || !CANNOT_ASK.has(error.exitCode)) return error;
  const username = usernameFlag ?? (await lastUsername(ctx, profile).catch(() => undefined));
  const found = await findSavedKit({ dataDir: ctx.paths.dataDir, profile, memberId, username }).catch(
    () => undefined,
  );
  if (!found) return error;
  const offline = `The kit saved ${localTime(ctx, found.saved.savedAt)} is on this computer: \`rxportal kit${memberFlag(memberId)}\` shows it.`;
  return new SavedKitHintError(error, error.hint ? `${error.hint} ${offline}` : offline);
}

/** The same failure (message, exit code, request id, code) with a hint about the saved kit. */
class SavedKitHintError extends CliError {
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

/** --out: an .html file to write; a folder or a blank name is a usage error. */
function checkOut(out: string): string {
  if (out.trim() === "") throw new UsageError("--out needs a file name, e.g. --out kit.html.");
  if (!/\.html?$/i.test(out)) {
    throw new UsageError(
      `--out ${clean(out)}: the printable kit is a web page; give a name ending in .html.`,
    );
  }
  try {
    if (statSync(out).isDirectory())
      throw new UsageError(`--out ${clean(out)}: that is a folder, not a file.`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
  }
  return resolve(out);
}

function memberFlag(memberId: string | undefined): string {
  return memberId ? ` --member ${clean(memberId)}` : "";
}

/** The kit as lines: the date first, then the card, the medicines and what a pharmacy can do. */
export function kitLines(kit: SavedKit, when: string, style: Style, fresh = false): string[] {
  const c = style.color;
  const bold = (text: string) => (style.plain ? text : c.bold(text));
  const lines: string[] = [
    style.plain ? "Emergency medicine kit" : c.bold("Emergency medicine kit"),
    fresh ? `Saved ${when}, from the portal.` : `Saved ${when}; it may be out of date.`,
    "",
    ...describeCard(kit.card, style),
    "",
  ];
  if (kit.medications.length === 0) {
    lines.push(bold("Medicines"), "No prescriptions were on file when this kit was saved.");
  } else {
    lines.push(bold(`Medicines (${kit.medications.length})`));
    for (const [i, m] of kit.medications.entries()) {
      lines.push(`${i + 1}. ${clean(m.drug)} ${clean(m.strength)}: ${supplyWords(m)}`);
      lines.push(`   Last filled: ${m.lastFilled ? dateWords(m.lastFilled) : "not known"}`);
      lines.push(`   Next refill from: ${m.nextEligibleDate ? dateWords(m.nextEligibleDate) : "not known"}`);
      if (m.prescriber) lines.push(`   Prescriber: ${clean(m.prescriber)}`);
      if (m.pharmacy) lines.push(`   Pharmacy: ${clean(m.pharmacy)}`);
      lines.push(`   Status: ${statusWord(clean(m.status))}; prescription ${clean(m.rxId)}`);
    }
  }
  lines.push("", bold("At the pharmacy"), ...PHARMACY_NOTE);
  return lines;
}
