// Many probes, one answer: the overall state is the worst of the profiles' states.
import type { HealthResult } from "./probe.js";
import { HealthState, type HealthStateName, worst } from "./thresholds.js";

export interface HealthReport {
  state: HealthStateName;
  exitCode: number;
  results: HealthResult[];
}

export function combine(results: HealthResult[]): HealthReport {
  const state = results.reduce<HealthStateName>((acc, r) => worst(acc, r.state), "OK");
  return { state, exitCode: HealthState[state], results };
}
