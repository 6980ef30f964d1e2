// How many generated cases a property test tries. The full counts run in the whole suite (Node 24
// in .ci/run); the suites that repeat the unit and integration tests on other Node versions set
// RXPORTAL_TEST_CASE_SCALE (e.g. 0.25) to try fewer of the same seeded cases: they are there to
// catch what differs between Node versions, not to search the input space again.
const scale = Number(process.env.RXPORTAL_TEST_CASE_SCALE ?? 1);

/** `n` generated cases, scaled for this run (at least 1). */
export function cases(n: number): number {
  return Number.isFinite(scale) && scale > 0 ? Math.max(1, Math.round(n * scale)) : n;
}
