// The sandbox portal's memory: accounts, lockouts, challenges, sessions, reset codes,
// prescriptions, orders, idempotency records, the outbox and the service status. Everything is
// derived from the seed at start and on reset(); times come from the sandbox clock so tests can
// travel forward instead of sleeping.
import type { Clock } from "../clock.js";
import type {
  CanonicalAuthPolicy as AuthPolicy,
  CanonicalIdCard as IdCard,
  CanonicalOrder as Order,
  CanonicalPortalStatus as PortalStatus,
  CanonicalPrescription as Prescription,
} from "../portal/canonical.js";
import type { ComponentName, EnrolleeType, MfaChannel, ServiceState } from "../portal/schemas.js";
import type { Reply } from "./http.js";
import {
  newAccountDefaults,
  REGISTRANT_DEFAULTS,
  type Registrant,
  registeredSsns,
  registrants,
} from "./registrants.js";
import { Hasher, maskEmail, maskPhone, randomToken } from "./secrets.js";
import { seed as bundledSeed, type Seed, type SeedMember } from "./seed.js";

export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_SECONDS = 12 * 60 * 60;
/** A one-time sign-in code lives 15 minutes (the portal's published rule). */
export const MFA_TTL_SECONDS = 15 * 60;
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
/** Order milestones after creation. */
export const ORDER_PROCESSING_AFTER_MS = 1 * HOUR;
export const ORDER_SHIPPED_AFTER_MS = 24 * HOUR;
export const ORDER_DELIVERED_AFTER_MS = 72 * HOUR;
/** Plans let a refill through once 75% of the last supply is used up. */
const REFILL_THRESHOLD = 0.75;

export const COMPONENT_NAMES: readonly ComponentName[] = [
  "login",
  "password_reset",
  "refills",
  "orders",
  "id_card",
  "mobile_app",
];

export interface OutboxMessage {
  id: string;
  /** The username the message was for. */
  to: string;
  kind: "mfa" | "reset" | "username" | "register";
  channel: MfaChannel;
  destinationHint: string;
  code?: string;
  text: string;
  sentAt: string;
}

export interface Account {
  username: string;
  scenario: string;
  memberId: string;
  name: string;
  dateOfBirth: string;
  enrolleeType: EnrolleeType;
  email: string;
  phone: string;
  passwordHash: string;
  passwordExpired: boolean;
  disabled: boolean;
  mfa: MfaChannel[];
  totpSecret?: string;
  card: SeedMember["card"];
  dependents: SeedMember["dependents"];
}

/** Failed sign-ins per username; also kept for unknown usernames so they behave identically. */
export interface Lockout {
  failures: number;
  lockedUntil?: number;
}

export interface Challenge {
  id: string;
  usernameKey: string;
  channel: MfaChannel;
  /** Hash of the newest code; earlier codes are forgotten, which is what invalidates them. */
  codeHash?: string;
  expiresAt: number;
  attemptsLeft: number;
  lastSentAt: number;
  dead: boolean;
}

export interface Session {
  id: string;
  usernameKey: string;
  memberId: string;
  accessHash: string;
  accessExpiresAt: number;
  refreshHash: string;
  refreshExpiresAt: number;
}

/** A registration waiting for its emailed code (POST /auth/register/verify). */
export interface PendingRegistration {
  id: string;
  registrant: Registrant;
  username: string;
  passwordHash: string;
  email: string;
  phone?: string;
  codeHash: string;
  expiresAt: number;
  attemptsLeft: number;
  dead: boolean;
}

export interface ResetCode {
  codeHash: string;
  expiresAt: number;
}

export interface RxRecord {
  rxId: string;
  memberId: string;
  drug: string;
  strength: string;
  quantity: number;
  daysSupply: number;
  refillsRemaining: number;
  lastFilled?: string;
  expiresOn: string;
  autoRefill: boolean;
}

export interface OrderRecord {
  orderId: string;
  memberId: string;
  items: { rxId: string; drug: string }[];
  createdAt: number;
  cancelledAt?: number;
}

export interface IdempotencyRecord {
  bodyKey: string;
  reply: Reply;
  storedAt: number;
}

export interface StatusOverride {
  status?: ServiceState;
  message?: string;
  components?: { name: ComponentName; status: ServiceState }[];
  /** null removes a window. */
  maintenance?: { start: string; end: string; message?: string } | null;
  apps?: PortalStatus["apps"];
}

export const toTimestamp = (ms: number): string => new Date(ms).toISOString();
export const toDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const addDays = (date: string, days: number): string =>
  toDate(Date.parse(`${date}T00:00:00Z`) + days * DAY);

export class SandboxState {
  readonly hasher = new Hasher();
  readonly policy: AuthPolicy;
  accounts = new Map<string, Account>();
  lockouts = new Map<string, Lockout>();
  challenges = new Map<string, Challenge>();
  sessions = new Map<string, Session>();
  accessIndex = new Map<string, string>();
  refreshIndex = new Map<string, string>();
  resetCodes = new Map<string, ResetCode>();
  resetAttempts = new Map<string, number>();
  registrations = new Map<string, PendingRegistration>();
  /** People with benefits and no account yet; an account made by registration joins `accounts`. */
  readonly registrants: readonly Registrant[];
  /** Prescriptions and orders by id, and the same records by member, for the lists (a seed may
   * give one member 10,000 of each). Written only through addPrescription and addOrder, so that
   * the two views cannot disagree; read-only outside. */
  private rxById = new Map<string, RxRecord>();
  private ordersById = new Map<string, OrderRecord>();
  private rxByMember = new Map<string, RxRecord[]>();
  private ordersByMember = new Map<string, OrderRecord[]>();
  idempotency = new Map<string, IdempotencyRecord>();
  outbox: OutboxMessage[] = [];
  private service!: {
    status: ServiceState;
    message?: string;
    components: Map<ComponentName, ServiceState>;
    maintenance?: { start: string; end: string; message?: string };
    apps: PortalStatus["apps"];
  };
  private outboxCounter = 0;

  constructor(
    readonly clock: Clock,
    private readonly seed: Seed = bundledSeed,
  ) {
    this.policy = seed.policy;
    this.registrants = [
      ...registrants,
      ...(seed.registrants ?? []).map((r) => ({ ...REGISTRANT_DEFAULTS, ...r })),
    ];
    this.reseed();
  }

  /** Back to the seeded world, with relative dates anchored at the clock's current time. */
  reseed(): void {
    const now = this.clock.now();
    this.accounts = new Map();
    this.lockouts = new Map();
    this.challenges = new Map();
    this.sessions = new Map();
    this.accessIndex = new Map();
    this.refreshIndex = new Map();
    this.resetCodes = new Map();
    this.resetAttempts = new Map();
    this.registrations = new Map();
    this.rxById = new Map();
    this.ordersById = new Map();
    this.rxByMember = new Map();
    this.ordersByMember = new Map();
    this.idempotency = new Map();
    this.outbox = [];
    this.outboxCounter = 0;
    const passwordHash = this.hasher.hash(this.seed.sandboxPassword);
    const today = toDate(now);
    for (const m of this.seed.members) {
      const key = m.username.toLowerCase();
      this.accounts.set(key, {
        username: m.username,
        scenario: m.scenario,
        memberId: m.memberId,
        name: m.name,
        dateOfBirth: m.dateOfBirth,
        enrolleeType: m.enrolleeType,
        email: m.email,
        phone: m.phone,
        passwordHash,
        passwordExpired: m.passwordExpired ?? false,
        disabled: m.disabled ?? false,
        mfa: [...m.mfa],
        ...(m.totpSecret ? { totpSecret: m.totpSecret } : {}),
        card: m.card,
        dependents: m.dependents,
      });
      if (m.lockedAtStart) {
        this.lockouts.set(key, {
          failures: this.policy.lockout.maxAttempts,
          lockedUntil: now + this.policy.lockout.lockMinutes * 60_000,
        });
      }
      for (const rx of m.prescriptions) {
        this.addPrescription({
          rxId: rx.rxId,
          memberId: rx.memberId,
          drug: rx.drug,
          strength: rx.strength,
          quantity: rx.quantity,
          daysSupply: rx.daysSupply,
          refillsRemaining: rx.refillsRemaining,
          ...(rx.lastFilledDaysAgo !== undefined
            ? { lastFilled: addDays(today, -rx.lastFilledDaysAgo) }
            : {}),
          expiresOn: addDays(today, rx.expiresInDays),
          autoRefill: rx.autoRefill,
        });
      }
      for (const o of m.orders) {
        const createdAt = Math.round(now - o.createdHoursAgo * HOUR);
        this.addOrder({
          orderId: o.orderId,
          memberId: o.memberId,
          items: o.items.map((i) => ({ ...i })),
          createdAt,
          ...(o.cancelledAfterHours !== undefined
            ? { cancelledAt: Math.round(createdAt + o.cancelledAfterHours * HOUR) }
            : {}),
        });
      }
    }
    this.service = {
      status: "operational",
      ...(this.seed.status.message !== undefined ? { message: this.seed.status.message } : {}),
      components: new Map(COMPONENT_NAMES.map((n) => [n, "operational" as ServiceState])),
      apps: structuredClone(this.seed.status.apps),
    };
  }

  get prescriptions(): ReadonlyMap<string, RxRecord> {
    return this.rxById;
  }

  get orders(): ReadonlyMap<string, OrderRecord> {
    return this.ordersById;
  }

  private addPrescription(rx: RxRecord): void {
    this.rxById.set(rx.rxId, rx);
    listIn(this.rxByMember, rx.memberId).push(rx);
  }

  /** A new order (ids are unique: the caller picks one not taken). */
  addOrder(order: OrderRecord): void {
    this.ordersById.set(order.orderId, order);
    listIn(this.ordersByMember, order.memberId).push(order);
  }

  /** One member's prescriptions (the records themselves, in seed order). */
  prescriptionsOf(memberId: string): readonly RxRecord[] {
    return this.rxByMember.get(memberId) ?? [];
  }

  /** One member's orders (the records themselves, the seed's first, then as placed). */
  ordersOf(memberId: string): readonly OrderRecord[] {
    return this.ordersByMember.get(memberId) ?? [];
  }

  // -------------------------------------------------------------------------------------------
  // Accounts and the outbox
  // -------------------------------------------------------------------------------------------

  findAccount(username: string): Account | undefined {
    return this.accounts.get(username.toLowerCase());
  }

  /** The account held by a member ID, if any (registration's already_registered). */
  accountByMemberId(memberId: string): Account | undefined {
    const id = memberId.toUpperCase();
    return [...this.accounts.values()].find((a) => a.memberId.toUpperCase() === id);
  }

  /** The fictional SSN on file for a member ID (seeded members and registrants alike). */
  ssnOf(memberId: string): string | undefined {
    const id = memberId.toUpperCase();
    return registeredSsns[id] ?? this.registrants.find((r) => r.memberId.toUpperCase() === id)?.ssn;
  }

  /** Turns a verified registration into an account that can sign in. */
  createAccount(pending: PendingRegistration): Account {
    const r = pending.registrant;
    const defaults = newAccountDefaults(r);
    const account: Account = {
      username: pending.username,
      scenario: `registered: ${r.scenario}`,
      memberId: r.memberId,
      name: defaults.name,
      dateOfBirth: r.dateOfBirth,
      enrolleeType: r.enrolleeType,
      email: pending.email,
      phone: pending.phone ?? "+1-555-010-0199",
      passwordHash: pending.passwordHash,
      passwordExpired: false,
      disabled: false,
      mfa: defaults.mfa,
      card: defaults.card,
      dependents: [],
    };
    this.accounts.set(account.username.toLowerCase(), account);
    return account;
  }

  /** The ids a signed-in member may act for: themselves and their dependents. */
  family(account: Account): Set<string> {
    return new Set([account.memberId, ...account.dependents.map((d) => d.memberId)]);
  }

  send(message: Omit<OutboxMessage, "id" | "sentAt">): OutboxMessage {
    this.outboxCounter += 1;
    const full: OutboxMessage = {
      id: `msg-${this.outboxCounter}`,
      ...message,
      sentAt: toTimestamp(this.clock.now()),
    };
    this.outbox.push(full);
    return full;
  }

  destinationHint(account: Account, channel: MfaChannel): string {
    if (channel === "email") return maskEmail(account.email);
    if (channel === "sms") return maskPhone(account.phone);
    return "your authenticator app";
  }

  // -------------------------------------------------------------------------------------------
  // Sessions
  // -------------------------------------------------------------------------------------------

  /** A new session for the account; returns the raw tokens (only their hashes are kept). */
  createSession(account: Account): { accessToken: string; refreshToken: string } {
    const session: Session = {
      id: randomToken(12),
      usernameKey: account.username.toLowerCase(),
      memberId: account.memberId,
      accessHash: "",
      accessExpiresAt: 0,
      refreshHash: "",
      refreshExpiresAt: 0,
    };
    this.sessions.set(session.id, session);
    return this.rotateTokens(session);
  }

  /** New access and refresh tokens for a session; the old ones stop working at once. */
  rotateTokens(session: Session): { accessToken: string; refreshToken: string } {
    const now = this.clock.now();
    this.accessIndex.delete(session.accessHash);
    this.refreshIndex.delete(session.refreshHash);
    const accessToken = randomToken();
    const refreshToken = randomToken();
    session.accessHash = this.hasher.hash(accessToken);
    session.refreshHash = this.hasher.hash(refreshToken);
    session.accessExpiresAt = now + ACCESS_TTL_SECONDS * 1000;
    session.refreshExpiresAt = now + REFRESH_TTL_SECONDS * 1000;
    this.accessIndex.set(session.accessHash, session.id);
    this.refreshIndex.set(session.refreshHash, session.id);
    return { accessToken, refreshToken };
  }

  sessionByAccess(token: string): Session | undefined {
    const id = this.accessIndex.get(this.hasher.hash(token));
    return id === undefined ? undefined : this.sessions.get(id);
  }

  sessionByRefresh(token: string): Session | undefined {
    const id = this.refreshIndex.get(this.hasher.hash(token));
    return id === undefined ? undefined : this.sessions.get(id);
  }

  endSession(session: Session): void {
    this.accessIndex.delete(session.accessHash);
    this.refreshIndex.delete(session.refreshHash);
    this.sessions.delete(session.id);
  }

  /** After a password change every device must sign in again. */
  endSessionsOf(usernameKey: string): void {
    for (const s of [...this.sessions.values()]) if (s.usernameKey === usernameKey) this.endSession(s);
  }

  // -------------------------------------------------------------------------------------------
  // Prescriptions and orders, as the portal shows them at the clock's "now"
  // -------------------------------------------------------------------------------------------

  nextEligibleDate(rx: RxRecord): string | undefined {
    if (!rx.lastFilled) return undefined;
    return addDays(rx.lastFilled, Math.ceil(rx.daysSupply * REFILL_THRESHOLD));
  }

  prescriptionStatus(rx: RxRecord): Prescription["status"] {
    const today = toDate(this.clock.now());
    if (rx.expiresOn < today) return "expired";
    if (rx.refillsRemaining <= 0) return "no_refills";
    const next = this.nextEligibleDate(rx);
    if (next !== undefined && today < next) return "too_soon";
    return "active";
  }

  prescriptionView(rx: RxRecord): Prescription {
    const status = this.prescriptionStatus(rx);
    const next = status === "active" || status === "too_soon" ? this.nextEligibleDate(rx) : undefined;
    return {
      rxId: rx.rxId,
      memberId: rx.memberId,
      drug: rx.drug,
      strength: rx.strength,
      quantity: rx.quantity,
      daysSupply: rx.daysSupply,
      refillsRemaining: rx.refillsRemaining,
      ...(rx.lastFilled ? { lastFilled: rx.lastFilled } : {}),
      ...(next ? { nextEligibleDate: next } : {}),
      autoRefill: rx.autoRefill,
      status,
    };
  }

  /** Status follows the clock: received, processing after 1 h, shipped after 24 h, delivered after 72 h. */
  orderView(order: OrderRecord): Order {
    const now = this.clock.now();
    const age = now - order.createdAt;
    let status: Order["status"] = "received";
    let updatedAt = order.createdAt;
    if (order.cancelledAt !== undefined && now >= order.cancelledAt) {
      status = "cancelled";
      updatedAt = order.cancelledAt;
    } else if (age >= ORDER_DELIVERED_AFTER_MS) {
      status = "delivered";
      updatedAt = order.createdAt + ORDER_DELIVERED_AFTER_MS;
    } else if (age >= ORDER_SHIPPED_AFTER_MS) {
      status = "shipped";
      updatedAt = order.createdAt + ORDER_SHIPPED_AFTER_MS;
    } else if (age >= ORDER_PROCESSING_AFTER_MS) {
      status = "processing";
      updatedAt = order.createdAt + ORDER_PROCESSING_AFTER_MS;
    }
    const view: Order = {
      orderId: order.orderId,
      memberId: order.memberId,
      status,
      items: order.items.map((i) => ({ ...i })),
      createdAt: toTimestamp(order.createdAt),
      updatedAt: toTimestamp(updatedAt),
    };
    if (status === "shipped" || status === "delivered") {
      const number = `SBX${order.orderId.replace(/\D/g, "").padStart(10, "0")}`;
      view.tracking = {
        carrier: "Sandbox Parcel (fictional)",
        number,
        url: `https://tracking.example.com/track/${number}`,
      };
    }
    return view;
  }

  idCard(account: Account, memberId: string): IdCard {
    const dependent = account.dependents.find((d) => d.memberId === memberId);
    return { memberId, name: dependent?.name ?? account.name, ...account.card };
  }

  /** Forgets idempotency records older than 24 h of sandbox time. */
  pruneIdempotency(): void {
    const cutoff = this.clock.now() - IDEMPOTENCY_TTL_MS;
    for (const [key, record] of this.idempotency) if (record.storedAt <= cutoff) this.idempotency.delete(key);
  }

  // -------------------------------------------------------------------------------------------
  // Service status
  // -------------------------------------------------------------------------------------------

  overrideStatus(change: StatusOverride): void {
    if (change.status !== undefined) this.service.status = change.status;
    if (change.message !== undefined) this.service.message = change.message;
    for (const c of change.components ?? []) this.service.components.set(c.name, c.status);
    if (change.maintenance === null) delete this.service.maintenance;
    else if (change.maintenance !== undefined) this.service.maintenance = { ...change.maintenance };
    if (change.apps !== undefined) this.service.apps = structuredClone(change.apps);
  }

  /** A maintenance window in progress right now, if any. */
  private activeWindow(): { start: string; end: string; message?: string } | undefined {
    const w = this.service.maintenance;
    if (!w) return undefined;
    const now = this.clock.now();
    return Date.parse(w.start) <= now && now < Date.parse(w.end) ? w : undefined;
  }

  /** GET /status. A scheduled window that has begun turns "operational" into "maintenance" by itself. */
  statusView(): PortalStatus {
    const window = this.activeWindow();
    let status = this.service.status;
    if (window && (status === "operational" || status === "degraded")) status = "maintenance";
    const message = window?.message ?? this.service.message;
    return {
      status,
      ...(message !== undefined ? { message } : {}),
      components: COMPONENT_NAMES.map((name) => {
        const own = this.service.components.get(name) ?? "operational";
        return { name, status: window && own === "operational" ? "maintenance" : own };
      }),
      ...(this.service.maintenance ? { maintenance: { ...this.service.maintenance } } : {}),
      apps: structuredClone(this.service.apps),
      serverTime: toTimestamp(this.clock.now()),
    };
  }

  /**
   * Whether a request for `component` must be refused with 503, and for how long. The portal is
   * down as a whole during maintenance or an outage; a single component can be down on its own.
   */
  unavailable(
    component: ComponentName | undefined,
  ): { retryAfterSeconds: number; detail: string } | undefined {
    const view = this.statusView();
    const own = component ? view.components.find((c) => c.name === component)?.status : undefined;
    const down = (s: ServiceState | undefined) => s === "maintenance" || s === "outage";
    if (!down(view.status) && !down(own)) return undefined;
    const end = this.service.maintenance ? Date.parse(this.service.maintenance.end) : Number.NaN;
    const now = this.clock.now();
    const retryAfterSeconds = end > now ? Math.ceil((end - now) / 1000) : 300;
    const detail =
      view.status === "outage" || own === "outage"
        ? "The portal is having an outage. Please try again later."
        : "The portal is down for maintenance. Please try again later.";
    return { retryAfterSeconds, detail };
  }
}

function listIn<T>(map: Map<string, T[]>, key: string): T[] {
  const list = map.get(key);
  if (list) return list;
  const fresh: T[] = [];
  map.set(key, fresh);
  return fresh;
}
