import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import {
  type ActionSet,
  type Asker,
  MissingAnswersError,
  type ProbeSet,
  type ProbeSpec,
  walkTree,
} from "./engine.js";
import { doctorInputs } from "./inputs.js";
import { localizeTree } from "./tree-localize.js";
import { probeNames, type Tree, TreeSchema } from "./tree-schema.js";

const parsed = TreeSchema.parse({
  version: 1,
  start: "start",
  branches: { net: "dns", login: "lock" },
  nodes: {
    start: {
      kind: "question",
      text: "What is wrong?",
      answers: [
        { value: "net", label: "Network", next: "dns" },
        { value: "login", label: "Sign-in", next: "lock" },
      ],
    },
    dns: { kind: "probe", probe: "dns", next: { ok: "tls", problem: "end-dns", unknown: "tls" } },
    tls: { kind: "probe", probe: "tls", next: { ok: "status", problem: "end-tls", unknown: "status" } },
    status: {
      kind: "probe",
      probe: "status",
      next: { ok: "end-ok", problem: "end-outage", unknown: "end-ok" },
    },
    lock: { kind: "probe", probe: "lockout", next: { ok: "end-ok", problem: "when", unknown: "end-ok" } },
    when: { kind: "action", text: "Show the time", run: "lockout-time", next: "end-locked" },
    "end-dns": { kind: "end", title: "DNS", remedy: ["fix dns"] },
    "end-tls": { kind: "end", title: "TLS", remedy: ["fix tls"] },
    "end-outage": { kind: "end", title: "Outage", remedy: ["wait"] },
    "end-ok": { kind: "end", title: "Fine", remedy: ["nothing"] },
    "end-locked": { kind: "end", title: "Locked", remedy: ["wait"], severity: "warning" },
  },
});
const tree: Tree = localizeTree(parsed, "en");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function probes(overrides: Partial<ProbeSet> = {}, log: string[] = []): ProbeSet {
  const ok = (name: string): ProbeSpec => ({
    eager: true,
    async run() {
      log.push(name);
      return { outcome: "ok", summary: `${name} fine` };
    },
  });
  const all = Object.fromEntries(probeNames.map((n) => [n, ok(n)])) as ProbeSet;
  return { ...all, ...overrides };
}

const actions: ActionSet = {
  reset: { run: async () => ({ status: "skipped", summary: "not here" }) },
  contacts: { run: async () => ({ status: "done", summary: "numbers" }) },
  "lockout-time": {
    run: async ({ probes }) => ({
      status: "done",
      summary: `until ${String(probes.get("lockout")?.evidence?.lockedUntil)}`,
    }),
  },
  "check-link": {
    inputs: ["link"],
    run: async ({ inputs }) => ({ status: "done", summary: inputs.link ?? "" }),
  },
  status: { run: async () => ({ status: "done", summary: "status" }) },
};

function answers(given: Record<string, string>): Asker {
  return {
    interactive: false,
    known: (id) => (id in given ? { value: given[id] as string, source: "answers" } : undefined),
    choose: () => Promise.reject(new Error("not interactive")),
    input: () => Promise.reject(new Error("not interactive")),
  };
}

const base = { tree, actions, inputs: doctorInputs };

describe("walkTree", () => {
  it("follows answers and probe outcomes to an end and records every step", async () => {
    const t = await walkTree({
      ...base,
      asker: answers({ start: "net" }),
      probes: probes({
        tls: {
          eager: true,
          run: async () => ({ outcome: "problem", summary: "self-signed", requestIds: ["r1"] }),
        },
      }),
    });
    expect(t.steps.map((s) => `${s.kind}:${s.id}`)).toEqual([
      "question:start",
      "probe:dns",
      "probe:tls",
      "end:end-tls",
    ]);
    expect(t.end.title).toBe("TLS");
    expect(t.answers).toEqual({ start: "net" });
    expect(t.requestIds).toEqual(["r1"]);
  });

  it("--start jumps to a branch by name", async () => {
    const t = await walkTree({ ...base, start: "net", asker: answers({}), probes: probes() });
    expect(t.steps[0]).toMatchObject({ kind: "probe", id: "dns" });
    expect(t.end.id).toBe("end-ok");
  });

  it("refuses an unknown branch with the list of branches", async () => {
    await expect(walkTree({ ...base, start: "nope", asker: answers({}), probes: probes() })).rejects.toThrow(
      UsageError,
    );
  });

  it("lists the missing question id without a person to ask", async () => {
    const error = await walkTree({ ...base, asker: answers({}), probes: probes() }).catch((e) => e);
    expect(error).toBeInstanceOf(MissingAnswersError);
    expect(error.missing).toEqual(["start"]);
    expect(error.exitCode).toBe(64);
  });

  it("refuses an answer that is not one of the question's values", async () => {
    await expect(walkTree({ ...base, asker: answers({ start: "maybe" }), probes: probes() })).rejects.toThrow(
      /not an answer to question "start".*/,
    );
  });

  it("turns a probe that throws into 'could not check' and goes on by the unknown edge", async () => {
    const t = await walkTree({
      ...base,
      start: "net",
      asker: answers({}),
      probes: probes({
        dns: {
          eager: true,
          run: async () => {
            throw new Error("resolver exploded");
          },
        },
      }),
    });
    expect(t.steps[0]).toMatchObject({ outcome: "unknown", summary: "Could not check: resolver exploded" });
    expect(t.end.id).toBe("end-ok");
  });

  it("bounds a probe that never answers by its own timeout", async () => {
    const t = await walkTree({
      ...base,
      start: "net",
      asker: answers({}),
      probes: probes({ status: { eager: true, timeoutMs: 150, run: () => new Promise(() => undefined) } }),
    });
    const status = t.steps.find((s) => s.kind === "probe" && s.probe === "status");
    expect(status).toMatchObject({ outcome: "unknown", summary: "Could not check: no answer within 150 ms" });
    expect(t.durationMs).toBeLessThan(1000);
  });

  it("runs independent probes in parallel: three 300 ms probes take about 300 ms, not 900", async () => {
    const slow: ProbeSpec = {
      eager: true,
      async run() {
        await sleep(300);
        return { outcome: "ok", summary: "slow but fine" };
      },
    };
    const t = await walkTree({
      ...base,
      start: "net",
      asker: answers({}),
      probes: probes({ dns: slow, tls: slow, status: slow }),
    });
    const slowest = Math.max(...t.steps.flatMap((s) => (s.kind === "probe" ? [s.ms] : [])));
    expect(slowest).toBeGreaterThanOrEqual(290);
    expect(t.durationMs).toBeLessThanOrEqual(1.5 * slowest);
  });

  it("starts probes while the first question waits, but not probes with side effects", async () => {
    const log: string[] = [];
    let release: (v: string) => void = () => undefined;
    const asker: Asker = {
      interactive: true,
      known: () => undefined,
      choose: () => new Promise<string>((r) => (release = r)),
      input: async () => "",
    };
    const walk = walkTree({
      ...base,
      asker,
      probes: probes(
        {
          lockout: {
            eager: false,
            run: async () => {
              log.push("lockout");
              return { outcome: "ok", summary: "" };
            },
          },
        },
        log,
      ),
    });
    await sleep(50);
    expect(log.sort()).toEqual(["dns", "status", "tls"]);
    release("net");
    await walk;
  });

  it("asks for a probe's inputs, or lists them as missing with the question", async () => {
    const needy = {
      ...probes(),
      lockout: {
        eager: false,
        inputs: ["username"],
        run: async () => ({ outcome: "ok" as const, summary: "" }),
      },
    };
    const error = await walkTree({ ...base, start: "login", asker: answers({}), probes: needy }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(MissingAnswersError);
    expect(error.missing).toEqual(["username"]);
    const t = await walkTree({ ...base, start: "login", asker: answers({ username: "pat" }), probes: needy });
    expect(t.steps[0]).toMatchObject({ kind: "input", id: "username", value: "pat" });
    expect(t.answers).toEqual({ username: "pat" });
  });

  it("hands probe evidence to actions", async () => {
    const t = await walkTree({
      ...base,
      start: "login",
      asker: answers({}),
      probes: probes({
        lockout: {
          eager: false,
          run: async () => ({ outcome: "problem", summary: "locked", evidence: { lockedUntil: "14:30" } }),
        },
      }),
    });
    expect(t.steps.find((s) => s.kind === "action")).toMatchObject({
      status: "done",
      summary: "until 14:30",
    });
    expect(t.end.id).toBe("end-locked");
  });

  it("an action that throws is recorded as failed and the walk goes on", async () => {
    const t = await walkTree({
      ...base,
      start: "login",
      asker: answers({}),
      probes: probes({
        lockout: { eager: false, run: async () => ({ outcome: "problem", summary: "locked" }) },
      }),
      actions: { ...actions, "lockout-time": { run: async () => Promise.reject(new Error("no clock")) } },
    });
    expect(t.steps.find((s) => s.kind === "action")).toMatchObject({
      status: "failed",
      summary: "Could not do this: no clock",
    });
    expect(t.end.id).toBe("end-locked");
  });
});

describe("probes that do not apply to the profile", () => {
  it("are passed by along unknown: no step, no event, never started, not waited for", async () => {
    const log: string[] = [];
    const events: string[] = [];
    const skipped: ProbeSpec = {
      eager: true,
      applies: false,
      async run() {
        log.push("tls");
        return { outcome: "problem", summary: "must not run" };
      },
    };
    const t = await walkTree({
      ...base,
      asker: answers({ start: "net" }),
      probes: probes({ tls: skipped }, log),
      onEvent: (e) => events.push(`${e.type}:${"probe" in e ? e.probe : e.step.id}`),
    });
    expect(t.steps.map((s) => `${s.kind}:${s.id}`)).toEqual([
      "question:start",
      "probe:dns",
      "probe:status",
      "end:end-ok",
    ]);
    expect(log).not.toContain("tls");
    expect(events.filter((e) => e.endsWith(":tls"))).toEqual([]);
  });

  it("lists the inputs needed beyond them, as if they were not there", async () => {
    const tree2: Tree = localizeTree(
      TreeSchema.parse({
        version: 1,
        start: "gate",
        branches: {},
        nodes: {
          gate: { kind: "probe", probe: "tls", next: { ok: "end-a", problem: "end-a", unknown: "mail" } },
          mail: { kind: "probe", probe: "mx", next: { ok: "end-a", problem: "end-a", unknown: "end-a" } },
          "end-a": { kind: "end", title: "A", remedy: ["a"] },
        },
      }),
      "en",
    );
    const error = await walkTree({
      ...base,
      tree: tree2,
      asker: answers({}),
      probes: probes({
        tls: { eager: true, applies: false, run: async () => ({ outcome: "ok", summary: "x" }) },
        mx: { eager: true, inputs: ["email"], run: async () => ({ outcome: "ok", summary: "x" }) },
      }),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MissingAnswersError);
    expect(error.missing).toEqual(["email"]);
  });
});
