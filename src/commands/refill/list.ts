// `rxportal refill list [--member <id>]`
import { requireSession } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import type { JournalEntry } from "../../refill/journal.js";
import { journalMayHaveEntries } from "../../refill/journal-folder.js";
import { readFamilyPrescriptions, STATUS_WORDS } from "../../refill/plan.js";
import { note, printJson, printLine } from "../../ui/output.js";
import { unknownValue } from "../../ui/service-state.js";
import { renderTable } from "../../ui/table.js";
import type { CommandResult } from "../kit.js";
import { clean, noteProblems } from "../member/shared.js";
import type { RefillSessionOptions } from "./shared.js";

export interface RefillListOptions extends RefillSessionOptions {
  member?: string;
}

/** The status in words; one rxportal does not know is shown as the portal sent it. */
export function prescriptionStatusWords(status: string): string {
  return Object.hasOwn(STATUS_WORDS, status)
    ? (STATUS_WORDS[status] as string)
    : unknownValue(status, "status");
}

/**
 * The open refill orders in the journal. Its code loads only when it has a folder: a member who
 * never ordered through rxportal has none, and nothing to finish.
 */
async function openOrders(ctx: AppContext): Promise<JournalEntry[]> {
  if (!journalMayHaveEntries(ctx.paths.dataDir)) return [];
  const { journalOf } = await import("./shared.js");
  return journalOf(ctx).open();
}

export async function refillListCommand(ctx: AppContext, opts: RefillListOptions): Promise<CommandResult> {
  const { client, profile, memberId } = await requireSession(ctx, opts);
  const { members, problems } = await readFamilyPrescriptions(client, {
    member: opts.member,
    self: memberId,
  });
  const open = (await openOrders(ctx)).filter((e) => e.profile === profile.name);
  const waiting = new Set(open.flatMap((e) => e.rxIds.map((rx) => `${e.memberId}\u0000${rx}`)));

  if (ctx.globals.json) {
    printJson(ctx, {
      members: members.map((m) => ({
        ...m,
        prescriptions: m.prescriptions.map((p) => ({
          ...p,
          statusText: prescriptionStatusWords(p.status),
          unfinishedOrder: waiting.has(`${m.memberId}\u0000${p.rxId}`),
        })),
      })),
      problems,
    });
  } else {
    const rows = members.flatMap((m) =>
      m.prescriptions.map((p) => [
        m.relationship === "unknown" ? clean(m.memberId) : `${clean(m.name)} (${clean(m.relationship)})`,
        clean(p.rxId),
        clean(`${p.drug} ${p.strength}`),
        waiting.has(`${m.memberId}\u0000${p.rxId}`)
          ? `${prescriptionStatusWords(p.status)}, order unfinished`
          : prescriptionStatusWords(p.status),
        String(p.refillsRemaining),
        p.nextEligibleDate ?? "-",
        p.autoRefill ? "on" : "off",
      ]),
    );
    if (rows.length === 0)
      printLine(ctx, problems.length === 0 ? "No prescriptions." : "No readable prescriptions.");
    else
      printLine(
        ctx,
        await renderTable(
          await (await import("../../ui/style-level.js")).loadStyle(ctx),
          ["Member", "Rx", "Drug", "Status", "Refills left", "Next eligible", "Auto-refill"],
          rows,
        ),
      );
    noteProblems(ctx, problems, "prescription");
  }
  if (open.length > 0) {
    note(
      ctx,
      `rxportal: ${open.length === 1 ? "1 refill order is" : `${open.length} refill orders are`} not finished; run \`rxportal refill pending\`.`,
    );
  }
  return undefined;
}
