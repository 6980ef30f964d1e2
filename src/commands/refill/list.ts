// `rxportal refill list [--member <id>]`
import { requireSession } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { listFamilyPrescriptions, STATUS_WORDS } from "../../refill/plan.js";
import { note, printJson, printLine } from "../../ui/output.js";
import { createStyle } from "../../ui/style.js";
import { renderTable } from "../../ui/table.js";
import type { CommandResult } from "../kit.js";
import { journalOf, type RefillSessionOptions } from "./shared.js";

export interface RefillListOptions extends RefillSessionOptions {
  member?: string;
}

export async function refillListCommand(ctx: AppContext, opts: RefillListOptions): Promise<CommandResult> {
  const { client, profile } = await requireSession(ctx, opts);
  const members = await listFamilyPrescriptions(client, { member: opts.member });
  const open = (await journalOf(ctx).open()).filter((e) => e.profile === profile.name);
  const waiting = new Set(open.flatMap((e) => e.rxIds.map((rx) => `${e.memberId}\u0000${rx}`)));

  if (ctx.globals.json) {
    printJson(ctx, {
      members: members.map((m) => ({
        ...m,
        prescriptions: m.prescriptions.map((p) => ({
          ...p,
          unfinishedOrder: waiting.has(`${m.memberId}\u0000${p.rxId}`),
        })),
      })),
    });
  } else {
    const rows = members.flatMap((m) =>
      m.prescriptions.map((p) => [
        m.relationship === "unknown" ? m.memberId : `${m.name} (${m.relationship})`,
        p.rxId,
        `${p.drug} ${p.strength}`,
        waiting.has(`${m.memberId}\u0000${p.rxId}`)
          ? `${STATUS_WORDS[p.status]}, order unfinished`
          : STATUS_WORDS[p.status],
        String(p.refillsRemaining),
        p.nextEligibleDate ?? "-",
        p.autoRefill ? "on" : "off",
      ]),
    );
    if (rows.length === 0) printLine(ctx, "No prescriptions.");
    else
      printLine(
        ctx,
        await renderTable(
          createStyle(ctx),
          ["Member", "Rx", "Drug", "Status", "Refills left", "Next eligible", "Auto-refill"],
          rows,
        ),
      );
  }
  if (open.length > 0) {
    note(
      ctx,
      `rxportal: ${open.length === 1 ? "1 refill order is" : `${open.length} refill orders are`} not finished; run \`rxportal refill pending\`.`,
    );
  }
  return undefined;
}
