// In process, against the real sandbox: time a member spends at a prompt is not the portal's, so
// it does not count against --timeout. The same command with the same slow answer to the prompt
// succeeds; a portal that is slow after the prompt still ends the command at the budget.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/main.js";
import { SANDBOX_PASSWORD } from "../../src/sandbox/seed.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { closeContext, testContext } from "../helpers/context.js";
import { ScriptedPrompter } from "../helpers/prompter.js";

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());

const slowly = (ms: number, answer: string | boolean) => () =>
  new Promise<string | boolean>((resolve) => setTimeout(() => resolve(answer), ms));

describe("--timeout and prompts", () => {
  it("a password typed slowly at the prompt does not use up the budget", async () => {
    sandbox.reset();
    const prompter = new ScriptedPrompter([slowly(2500, SANDBOX_PASSWORD)]);
    const t = testContext({ baseUrl: sandbox.baseUrl, prompter, globals: {} });
    const started = performance.now();
    const code = await run(["--timeout", "1500", "--json", "id-card", "--username", "pat.sample"], t.ctx);
    const took = performance.now() - started;
    await closeContext(t.ctx);
    expect(code, t.stderr.text).toBe(0);
    expect(prompter.asked).toHaveLength(1);
    expect(took).toBeGreaterThanOrEqual(2500);
    expect(JSON.parse(t.stdout.text).card.memberId).toBe("SBX100001");
  });

  it("the budget still ends the command when the portal is slow after the prompt", async () => {
    sandbox.reset();
    sandbox.addFault({ kind: "latency", value: 3000, path: "/id-card" });
    const prompter = new ScriptedPrompter([slowly(300, SANDBOX_PASSWORD)]);
    const t = testContext({ baseUrl: sandbox.baseUrl, prompter });
    const started = performance.now();
    const code = await run(["--timeout", "1500", "id-card", "--username", "pat.sample"], t.ctx);
    const took = performance.now() - started;
    await closeContext(t.ctx);
    sandbox.clearFaults();
    expect(code, t.stderr.text).toBe(69);
    expect(took).toBeLessThan(300 + 1500 + 400);
    expect(t.stderr.text).toMatch(
      /did not answer GET \/api\/v1\/id-card within the command's time limit \(--timeout 1500/,
    );
  });
});
