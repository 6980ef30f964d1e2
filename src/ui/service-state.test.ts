import { describe, expect, it } from "vitest";
import { ComponentNameSchema, ServiceStateSchema } from "../portal/schemas.js";
import { componentLabel, isKnownState, stateWords } from "./service-state.js";

describe("service-state words", () => {
  it("has words for every state and component the contract names, and no others", () => {
    for (const state of ServiceStateSchema.options) {
      expect(isKnownState(state)).toBe(true);
      expect(stateWords(state)).not.toMatch(/not known/);
    }
    for (const name of ComponentNameSchema.options) expect(componentLabel(name)).not.toMatch(/not known/);
    expect(isKnownState("on_hold")).toBe(false);
    expect(stateWords("on_hold")).toBe("on_hold (state not known to rxportal)");
    expect(componentLabel("chat")).toBe("chat (component not known to rxportal)");
  });
});
