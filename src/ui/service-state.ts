// The portal's service states and components in words, the same in `status` and the doctor. A
// state or component rxportal does not know (a newer portal's) is shown as the portal sent it, with
// neutral words, never as "undefined".
import { printable } from "./output.js";

/** The contract's service states (src/portal/schemas.ts; service-state.test.ts keeps them equal). */
export type ServiceState = "operational" | "degraded" | "maintenance" | "outage";
/** The contract's component names (the same test keeps them equal). */
export type ComponentName = "login" | "password_reset" | "refills" | "orders" | "id_card" | "mobile_app";

const STATE_WORDS: Readonly<Record<ServiceState, string>> = {
  operational: "working normally",
  degraded: "working, but slow or partly failing",
  maintenance: "down for planned maintenance",
  outage: "down (unplanned outage)",
};

const COMPONENT_NAMES: Readonly<Record<ComponentName, string>> = {
  login: "Sign-in",
  password_reset: "Password reset",
  refills: "Refills",
  orders: "Orders",
  id_card: "ID card",
  mobile_app: "Mobile app",
};

/** A value the portal sent that rxportal has no words for: as sent (printable), said neutrally. */
export function unknownValue(value: string, what: string): string {
  const shown = printable(value).slice(0, 64);
  return `${shown === "" ? '""' : shown} (${what} not known to rxportal)`;
}

export function isKnownState(state: string): state is ServiceState {
  return Object.hasOwn(STATE_WORDS, state);
}

/** "working normally", or for a state rxportal does not know "on_hold (state not known to rxportal)". */
export function stateWords(state: string): string {
  return isKnownState(state) ? STATE_WORDS[state] : unknownValue(state, "state");
}

/** "Sign-in", or for a component rxportal does not know its name as sent. */
export function componentLabel(name: string): string {
  return Object.hasOwn(COMPONENT_NAMES, name)
    ? COMPONENT_NAMES[name as ComponentName]
    : unknownValue(name, "component");
}

/** A lookup table that answers every key: the known words, else the neutral wording. */
function wordsFor(words: (key: string) => string): Readonly<Record<string, string>> {
  return new Proxy({} as Record<string, string>, {
    get: (_target, key) => (typeof key === "string" ? words(key) : undefined),
  });
}

/**
 * Indexable forms of stateWords() and componentLabel(), for code that looks words up by key:
 * an unknown key still gets words.
 */
export const serviceStateWords: Readonly<Record<string, string>> = wordsFor(stateWords);
export const componentNames: Readonly<Record<string, string>> = wordsFor(componentLabel);
