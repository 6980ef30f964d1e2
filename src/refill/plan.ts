// What can be refilled, and what one `refill order` means: which member, which prescriptions.
// Plain functions over a signed-in PortalClient; the commands only parse flags and draw.
import { UsageError } from "../errors.js";
import type { PortalClient, PrescriptionList } from "../portal/client.js";
import type { ReadProblem } from "../portal/lenient.js";
import type { Me, Prescription } from "../portal/schemas.js";

export interface FamilyMember {
  memberId: string;
  name: string;
  /** "self" for the signed-in member, else the portal's word (spouse, child, ...). */
  relationship: string;
}

export interface MemberPrescriptions extends FamilyMember {
  prescriptions: Prescription[];
}

export function familyOf(me: Me): FamilyMember[] {
  return [
    { memberId: me.memberId, name: me.name, relationship: "self" },
    ...me.dependents.map((d) => ({ memberId: d.memberId, name: d.name, relationship: d.relationship })),
  ];
}

/** Prescriptions of the member and every dependent (or of one member), as read. */
export interface FamilyListing {
  members: MemberPrescriptions[];
  /** Prescriptions (or dependents) the portal sent that could not be read, with the request id of
   * the answer that carried them. */
  problems: ReadProblem[];
}

/**
 * Prescriptions of the member and every dependent, or of one member. A member outside the family
 * is still asked for: the portal, not rxportal, decides who may act for whom (403 forbidden).
 * When the sign-in said who the member is (`self`), the member's own list is asked for beside
 * GET /me instead of after it: one round trip less before the dependents' lists. It is used only
 * if /me names the same member; otherwise it is dropped (its failure too) and the list is asked
 * for again, as /me says.
 */
export async function readFamilyPrescriptions(
  client: PortalClient,
  opts: { member?: string; self?: string } = {},
): Promise<FamilyListing> {
  const { member, self } = opts;
  const listOf = (memberId: string) =>
    client.call<PrescriptionList>("listPrescriptions", { query: { memberId } });
  const early = self !== undefined && (member === undefined || member === self) ? self : undefined;
  const ahead = early === undefined ? undefined : listOf(early);
  // Settled here if /me fails first: that failure is the one to report.
  ahead?.catch(() => undefined);
  const { data: me, meta } = await client.call<Me>("getMe");
  const problems: ReadProblem[] = (me.problems ?? []).map((p) => ({
    ...p,
    ...(meta.requestId ? { requestId: meta.requestId } : {}),
  }));
  const family = familyOf(me);
  const asked = member
    ? [
        family.find((m) => m.memberId === member) ?? {
          memberId: member,
          name: member,
          relationship: "unknown",
        },
      ]
    : family;
  const members = await Promise.all(
    asked.map(async (m) => {
      const { data, meta: listMeta } = await (ahead && m.memberId === early ? ahead : listOf(m.memberId));
      for (const p of data.problems) {
        problems.push({
          ...p,
          memberId: m.memberId,
          ...(listMeta.requestId ? { requestId: listMeta.requestId } : {}),
        });
      }
      return { ...m, prescriptions: data.items };
    }),
  );
  return { members, problems };
}

export interface OrderPlan {
  member: FamilyMember;
  /** In the order the member typed them, without repeats. */
  rxIds: string[];
  prescriptions: Prescription[];
}

/**
 * Which member the prescriptions belong to (the one named with --member, else the one whose list
 * holds them all) and what they are. Unknown prescription ids are a usage error here rather than a
 * journalled order the portal would only refuse.
 */
export async function planOrder(
  client: PortalClient,
  rxIdsTyped: string[],
  opts: { member?: string; self?: string } = {},
): Promise<OrderPlan> {
  const rxIds = [...new Set(rxIdsTyped.map((rx) => rx.trim()).filter((rx) => rx !== ""))];
  if (rxIds.length === 0)
    throw new UsageError("Name at least one prescription, e.g. `rxportal refill order RX-100101`.");
  const lists = (await readFamilyPrescriptions(client, opts)).members;
  const owner = (rxId: string) => lists.find((m) => m.prescriptions.some((p) => p.rxId === rxId));
  const unknown = rxIds.filter((rx) => !owner(rx));
  if (unknown.length > 0) {
    const whose = opts.member ? `member ${opts.member}` : "you or your dependents";
    throw new UsageError(
      `${unknown.join(", ")} ${unknown.length === 1 ? "is not a prescription" : "are not prescriptions"} of ${whose}; \`rxportal refill list\` shows them.`,
    );
  }
  const owners = new Set(rxIds.map((rx) => owner(rx)?.memberId));
  if (owners.size > 1) {
    throw new UsageError(
      "Those prescriptions belong to different members; order each member's refills separately.",
    );
  }
  const member = owner(rxIds[0] as string) as MemberPrescriptions;
  const prescriptions = rxIds.map((rx) => member.prescriptions.find((p) => p.rxId === rx) as Prescription);
  return {
    member: { memberId: member.memberId, name: member.name, relationship: member.relationship },
    rxIds,
    prescriptions,
  };
}

export const STATUS_WORDS: Record<Prescription["status"], string> = {
  active: "can be refilled",
  too_soon: "too soon",
  no_refills: "no refills left",
  expired: "expired",
};
