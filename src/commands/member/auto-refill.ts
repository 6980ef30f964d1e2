// `rxportal auto-refill <rxId> on|off [--member <id>]`: automatic refills for one prescription.
import { requireSession } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { PortalRefusedError, UsageError } from "../../errors.js";
import type { PortalClient } from "../../portal/client.js";
import type { Prescription } from "../../portal/schemas.js";
import { printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";
import { checkId, clean, forbiddenMember, refusedAs, type SessionFlags, sessionOptions } from "./shared.js";

export interface AutoRefillOptions extends SessionFlags {
  member?: string;
}

/** "on" or "off" (any case) as a boolean; anything else is a usage error, before any sign-in. */
export function parseOnOff(value: string): boolean {
  const word = value.trim().toLowerCase();
  if (word === "on") return true;
  if (word === "off") return false;
  throw new UsageError(
    `Say "on" or "off" after the prescription number, not "${clean(value).slice(0, 20)}".`,
  );
}

export interface AutoRefillChange {
  rxId: string;
  autoRefill: boolean;
  memberId?: string;
  prescription?: Pick<Prescription, "drug" | "strength" | "status">;
}

const NOT_ELIGIBLE: Record<string, string> = {
  expired: "the prescription has expired",
  no_refills: "no refills are left on the prescription",
};
const NEW_PRESCRIPTION_HINT =
  "Ask your prescriber for a new prescription; once the pharmacy has it, turn automatic refills on for the new one.";

/**
 * Sets automatic refills. With a member, the prescription is looked up in that member's list first,
 * so a mistyped number cannot change someone else's in the family, and the answer can name the drug.
 */
export async function changeAutoRefill(
  client: PortalClient,
  input: { rxId: string; enabled: boolean; memberId?: string },
): Promise<AutoRefillChange> {
  let rx: Prescription | undefined;
  if (input.memberId !== undefined) {
    let items: Prescription[];
    try {
      items = (await client.listPrescriptions(input.memberId)).items;
    } catch (error) {
      throw forbiddenMember(error, input.memberId);
    }
    rx = items.find((p) => p.rxId === input.rxId);
    if (!rx) {
      throw new PortalRefusedError(
        `Member ${clean(input.memberId)} has no prescription ${clean(input.rxId)}.`,
        {
          code: "not_found",
          requestId: client.lastRequestId,
          hint: "`rxportal refill list --member <id>` lists each member's prescriptions.",
        },
      );
    }
  }
  try {
    const result = await client.setAutoRefill(input.rxId, input.enabled);
    return {
      rxId: result.rxId,
      autoRefill: result.autoRefill,
      memberId: rx?.memberId,
      prescription: rx && { drug: rx.drug, strength: rx.strength, status: rx.status },
    };
  } catch (error) {
    if (!(error instanceof PortalRefusedError)) throw error;
    const rxId = clean(input.rxId);
    if (error.code === "not_found" || error.status === 404) {
      throw refusedAs(
        error,
        `No prescription ${rxId} for this account or its dependents.`,
        "`rxportal refill list` lists your prescriptions and their numbers.",
      );
    }
    if (error.code === "not_eligible") {
      // The contract gives only the code; the sandbox (and some portals) add a reason. The listed
      // status from --member is the next best source.
      const reason = typeof error.problem?.reason === "string" ? error.problem.reason : rx?.status;
      const why =
        (reason && NOT_ELIGIBLE[reason]) ??
        "the portal says it is not eligible, usually because it has expired or has no refills left";
      throw refusedAs(
        error,
        `Automatic refills cannot be turned ${input.enabled ? "on" : "off"} for ${rxId}: ${why}.`,
        NEW_PRESCRIPTION_HINT,
      );
    }
    throw error;
  }
}

export async function autoRefillCommand(
  ctx: AppContext,
  rxIdArg: string,
  onOff: string,
  opts: AutoRefillOptions,
): Promise<CommandResult> {
  const enabled = parseOnOff(onOff);
  const rxId = checkId(rxIdArg, "prescription number", "RX-100101");
  const memberId = opts.member === undefined ? undefined : checkId(opts.member, "member id", "SBX100001-01");
  const { client } = await requireSession(ctx, sessionOptions(opts));
  const change = await changeAutoRefill(client, { rxId, enabled, memberId });

  if (ctx.globals.json) {
    printJson(ctx, change);
    return;
  }
  const what = change.prescription
    ? `${clean(change.prescription.drug)} ${clean(change.prescription.strength)} (${clean(change.rxId)}, member ${clean(change.memberId ?? "")})`
    : clean(change.rxId);
  printLine(
    ctx,
    change.autoRefill
      ? `Automatic refills are now on for ${what}: the pharmacy will refill it when it is due.`
      : `Automatic refills are now off for ${what}: order refills yourself with \`rxportal refill order ${clean(change.rxId)}\`.`,
  );
}
