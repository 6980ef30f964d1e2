// The doctor engine: walks a troubleshooting tree and returns a transcript. Pure: no terminal, no
// network of its own. Questions go to an injected Asker, probes and actions are injected functions,
// and the caller renders the transcript (interactive, plain lines, JSON or a help-desk report).
//
// Probes are independent observations (DNS, TLS, the status page, ...), so the engine starts every
// side-effect-free probe the walk could still reach as soon as its inputs are known, all at once,
// each under its own timeout. By the time the member has answered a question or two the evidence
// is usually in. A probe that throws or times out becomes "could not check" and never ends the run.
import { said, UsageError } from "../errors.js";
import type { InputSpec } from "./inputs.js";
import {
  type ActionNode,
  type ActionRun,
  type EndNode,
  edgesOf,
  type ProbeName,
  type ProbeNode,
  type ProbeOutcome,
  type QuestionNode,
  type Tree,
  type TreeNode,
} from "./tree-schema.js";

/** What a probe found, before the engine adds its timing. */
export interface ProbeFinding {
  outcome: ProbeOutcome;
  /** One sentence for the member. */
  summary: string;
  /** Further evidence lines (addresses, certificate dates, components, ...). */
  details?: string[];
  requestIds?: string[];
  /** Machine-readable evidence for --json and the report (never secrets). */
  evidence?: Record<string, unknown>;
}

export interface ProbeContext {
  /** Answers to the probe's declared inputs; "" when the person chose to skip one. */
  inputs: Readonly<Record<string, string>>;
  /** Aborted when the probe's own timeout passes or the run ends. */
  signal: AbortSignal;
  /**
   * Aborted only when the run ends (or on Ctrl-C): for an observation several probes share, which
   * one probe's timeout must not cut short for the others.
   */
  runSignal: AbortSignal;
}

export interface ProbeSpec {
  /** Input ids (inputs.ts) the probe needs, e.g. ["email"] for mx. */
  inputs?: readonly string[];
  /** False for probes with a side effect (a sign-in attempt): they run only when the walk reaches them. */
  eager: boolean;
  /** Own timeout; the engine's default otherwise. */
  timeoutMs?: number;
  /**
   * False when the probe has nothing to look at for this profile (the OIDC checks on a portal
   * profile): its nodes are passed by along their `unknown` edge, with no step, no event and
   * nothing started, so the walk and its transcript are what they would be without them.
   */
  applies?: boolean;
  run(pctx: ProbeContext): Promise<ProbeFinding>;
}

export type ProbeSet = Record<ProbeName, ProbeSpec>;

export interface ActionFinding {
  status: "done" | "skipped" | "failed";
  summary: string;
  details?: string[];
  requestIds?: string[];
  evidence?: Record<string, unknown>;
}

export interface ActionContext {
  inputs: Readonly<Record<string, string>>;
  /** Findings of the probes run so far, by probe name. */
  probes: ReadonlyMap<ProbeName, ProbeStep>;
  answers: Readonly<Record<string, string>>;
  signal: AbortSignal;
}

export interface ActionSpec {
  inputs?: readonly string[];
  run(actx: ActionContext): Promise<ActionFinding>;
}

export type ActionSet = Record<ActionRun, ActionSpec>;

export type AnswerSource = "prompt" | "answers" | "default";

/** Where answers come from: the person (interactive) or a file and flags (unattended). */
export interface Asker {
  /** A value given in advance (answers file, --answer, defaults), without asking anybody. */
  known(id: string): { value: string; source: AnswerSource } | undefined;
  /** Whether asking can reach a person; when false an unknown answer ends the run with exit 64. */
  readonly interactive: boolean;
  choose(id: string, node: QuestionNode): Promise<string>;
  /** "" means the person skipped the input (the probe then cannot check). */
  input(spec: InputSpec): Promise<string>;
}

export interface QuestionStep {
  kind: "question";
  id: string;
  text: string;
  answer: string;
  label: string;
  source: AnswerSource;
}

export interface InputStep {
  kind: "input";
  id: string;
  text: string;
  /** As given, except what InputSpec.redact removes (a reset link's token). */
  value: string;
  source: AnswerSource;
}

export interface ProbeStep extends ProbeFinding {
  kind: "probe";
  id: string;
  probe: ProbeName;
  text?: string;
  /** Wall time of the probe itself. */
  ms: number;
  /** When the probe started, relative to the run's start. */
  startedAtMs: number;
}

export interface ActionStep extends ActionFinding {
  kind: "action";
  id: string;
  run?: ActionRun;
  text: string;
}

export interface EndStep {
  kind: "end";
  id: string;
  title: string;
  remedy: string[];
  severity: NonNullable<EndNode["severity"]>;
  contacts?: EndNode["contacts"];
}

export type Step = QuestionStep | InputStep | ProbeStep | ActionStep | EndStep;

export interface Transcript {
  start: string;
  steps: Step[];
  end: EndStep;
  /** Every answer and input used, by id (what an answers file would need to replay the run). */
  answers: Record<string, string>;
  /** Request ids the portal gave during the run, for support. */
  requestIds: string[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

export type EngineEvent =
  | { type: "probe-start"; id: string; probe: ProbeName; text?: string }
  /** The walk is waiting for this probe's result (a front end shows a spinner). */
  | { type: "probe-wait"; id: string; probe: ProbeName; text?: string }
  | { type: "step"; step: Step };

export interface WalkOptions {
  tree: Tree;
  /** A node id or a branch name from `tree.branches`; default `tree.start`. */
  start?: string;
  asker: Asker;
  probes: ProbeSet;
  actions: ActionSet;
  inputs: Readonly<Record<string, InputSpec>>;
  /** Wall clock for the transcript's times. */
  now?: () => number;
  /** Monotonic milliseconds for timings. */
  monotonic?: () => number;
  probeTimeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: EngineEvent) => void;
}

/** Answers an unattended run needs but was not given (exit 64, with every id listed). */
export class MissingAnswersError extends UsageError {
  /**
   * @param missing the ids, in the order they are needed
   * @param choices the possible values of ids that have a fixed set, for the hint
   */
  constructor(
    readonly missing: string[],
    choices: Readonly<Record<string, readonly string[]>> = {},
  ) {
    const example = missing.map((id) => `--answer ${id}=${choices[id]?.join("|") ?? "..."}`).join(" ");
    super(
      `doctor needs more answers to go on: ${missing.join(", ")}. Without a terminal nobody can be asked.`,
      {
        hint: `Pass them in an --answers file or as ${example}.`,
        details: { missing },
        said: said("missingAnswers", missing),
        saidHint: said("missingAnswersHint", example),
      },
    );
  }
}

const DEFAULT_PROBE_TIMEOUT_MS = 8_000;
/** Interactive walks may legitimately go round (retry a reset); this only stops a runaway tree. */
const MAX_STEPS = 500;

export function resolveStart(tree: Tree, start: string | undefined): string {
  if (start === undefined) return tree.start;
  const id = tree.branches[start] ?? (tree.nodes[start] ? start : undefined);
  if (id) return id;
  throw new UsageError(`There is no branch "${start}" in this tree.`, {
    hint: `Choose one of: ${Object.keys(tree.branches).join(", ")}.`,
  });
}

/** Walks the tree from `start` to an end node. */
export async function walkTree(opts: WalkOptions): Promise<Transcript> {
  return new Walk(opts).run();
}

class Walk {
  private readonly tree: Tree;
  private readonly now: () => number;
  private readonly monotonic: () => number;
  private readonly t0: number;
  private readonly steps: Step[] = [];
  private readonly answers: Record<string, string> = {};
  /** Inputs settled so far (asked, given or defaulted), by id. */
  private readonly inputValues = new Map<string, string>();
  private readonly running = new Map<ProbeName, Promise<ProbeStep>>();
  private readonly findings = new Map<ProbeName, ProbeStep>();
  private readonly finish = new AbortController();
  private readonly signal: AbortSignal;

  constructor(private readonly opts: WalkOptions) {
    this.tree = opts.tree;
    this.now = opts.now ?? Date.now;
    this.monotonic = opts.monotonic ?? (() => performance.now());
    this.t0 = this.monotonic();
    this.signal = opts.signal ? AbortSignal.any([opts.signal, this.finish.signal]) : this.finish.signal;
  }

  async run(): Promise<Transcript> {
    const startedAt = this.now();
    const start = resolveStart(this.tree, this.opts.start);
    let id = start;
    const seen = new Set<string>();
    try {
      for (let count = 0; ; count++) {
        if (count > MAX_STEPS) throw new UsageError(`The walk went round more than ${MAX_STEPS} times.`);
        const node = this.node(id);
        // Unattended answers are fixed, so coming back to a question means going round for ever.
        if (
          node.kind === "question" &&
          seen.has(id) &&
          (!this.opts.asker.interactive || this.opts.asker.known(id))
        ) {
          throw new UsageError(`The given answers lead round in a circle at question "${id}".`, {
            hint: "Change one of the answers on that circle.",
          });
        }
        seen.add(id);
        this.prefetch(id);
        const next = await this.visit(id, node);
        if (next === undefined) break;
        id = next;
      }
    } finally {
      // Evidence nobody reached is not waited for.
      this.finish.abort();
    }
    const end = this.steps.at(-1) as EndStep;
    const requestIds = [
      ...new Set(this.steps.flatMap((s) => ("requestIds" in s && s.requestIds ? s.requestIds : []))),
    ];
    const finishedAt = this.now();
    return {
      start,
      steps: this.steps,
      end,
      answers: { ...this.answers },
      requestIds,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
      durationMs: Math.round(this.monotonic() - this.t0),
    };
  }

  private node(id: string): TreeNode {
    const node = this.tree.nodes[id];
    // Trees are linted before a walk, so this is a bug in rxportal or in the lint, not user input.
    if (!node) throw new Error(`doctor: the tree has no node "${id}"`);
    return node;
  }

  private record(step: Step): void {
    this.steps.push(step);
    this.opts.onEvent?.({ type: "step", step });
  }

  /** Returns the next node id, or undefined at an end. */
  private async visit(id: string, node: TreeNode): Promise<string | undefined> {
    switch (node.kind) {
      case "question":
        return this.ask(id, node);
      case "probe":
        return this.probeNode(id, node);
      case "action":
        return this.action(id, node);
      case "end":
        this.record({
          kind: "end",
          id,
          title: node.title,
          remedy: node.remedy,
          severity: node.severity ?? "info",
          contacts: node.contacts,
        });
        return undefined;
    }
  }

  private async ask(id: string, node: QuestionNode): Promise<string> {
    const known = this.opts.asker.known(id);
    let value: string;
    let source: AnswerSource;
    if (known) {
      ({ value, source } = known);
    } else if (this.opts.asker.interactive) {
      value = await this.opts.asker.choose(id, node);
      source = "prompt";
    } else {
      // Which branch comes next depends on this very answer, so nothing beyond it is certain.
      throw this.missingError([id]);
    }
    const answer = node.answers.find((a) => a.value === value);
    if (!answer) {
      throw new UsageError(`"${value}" is not an answer to question "${id}".`, {
        hint: `Choose one of: ${node.answers.map((a) => a.value).join(", ")}.`,
      });
    }
    this.answers[id] = value;
    this.record({ kind: "question", id, text: node.text, answer: value, label: answer.label, source });
    return answer.next;
  }

  private async probeNode(id: string, node: ProbeNode): Promise<string> {
    const spec = this.opts.probes[node.probe];
    if (spec.applies === false) {
      const next = node.next?.unknown;
      if (!next) throw new Error(`doctor: probe node "${id}" has no way on for "unknown"`);
      return next;
    }
    await this.settleInputs(spec.inputs ?? [], id);
    const pending = this.startProbe(node.probe, id, node.text);
    if (!this.findings.has(node.probe)) {
      this.opts.onEvent?.({ type: "probe-wait", id, probe: node.probe, text: node.text });
    }
    const found = await pending;
    const step: ProbeStep = { ...found, id, text: node.text ?? found.text };
    this.record(step);
    const next = node.next?.[step.outcome] ?? node.next?.unknown;
    // Linted trees have an edge for every outcome they can take; unknown is the fallback.
    if (!next) throw new Error(`doctor: probe node "${id}" has no way on for "${step.outcome}"`);
    return next;
  }

  private async action(id: string, node: ActionNode): Promise<string> {
    const base = { kind: "action" as const, id, run: node.run, text: node.text };
    if (node.run) {
      const spec = this.opts.actions[node.run];
      await this.settleInputs(spec.inputs ?? [], id);
      let found: ActionFinding;
      try {
        found = await spec.run({
          inputs: this.inputsFor(spec.inputs ?? []),
          probes: this.findings,
          answers: this.answers,
          signal: this.signal,
        });
      } catch (error) {
        if (this.signal.aborted || isInterrupt(error)) throw error;
        found = { status: "failed", summary: `Could not do this: ${reason(error)}` };
      }
      this.record({ ...base, ...found });
    } else {
      this.record({ ...base, status: "done", summary: node.text });
    }
    if (!node.next) throw new Error(`doctor: action node "${id}" has no next`);
    return node.next;
  }

  private missingError(ids: string[]): MissingAnswersError {
    const choices: Record<string, string[]> = {};
    for (const id of ids) {
      const node = this.tree.nodes[id];
      const spec = this.opts.inputs[id];
      if (node?.kind === "question") choices[id] = node.answers.map((a) => a.value);
      else if (spec?.choices) choices[id] = spec.choices.map((c) => c.value);
    }
    return new MissingAnswersError(ids, choices);
  }

  // --- inputs ----------------------------------------------------------------------------------

  private inputsFor(ids: readonly string[]): Record<string, string> {
    return Object.fromEntries(ids.map((i) => [i, this.inputValues.get(i) ?? ""]));
  }

  private knownInput(inputId: string): string | undefined {
    const settled = this.inputValues.get(inputId);
    if (settled !== undefined) return settled;
    const known = this.opts.asker.known(inputId);
    if (!known) return undefined;
    const spec = this.opts.inputs[inputId];
    const problem = spec?.validate?.(known.value);
    if (typeof problem === "string") {
      throw new UsageError(`--answer ${inputId}: ${problem}`);
    }
    this.settle(inputId, known.value, known.source);
    return known.value;
  }

  /** Keeps an input's value for the probes; the transcript gets what InputSpec.redact leaves. */
  private settle(inputId: string, value: string, source: AnswerSource): void {
    const spec = this.opts.inputs[inputId];
    const shown = spec?.redact ? spec.redact(value) : value;
    this.inputValues.set(inputId, value);
    this.answers[inputId] = shown;
    if (spec) this.record({ kind: "input", id: inputId, text: spec.text, value: shown, source });
  }

  /** Makes sure every input is settled, asking the person (or listing what is missing). */
  private async settleInputs(ids: readonly string[], at: string): Promise<void> {
    const missing = ids.filter((i) => this.knownInput(i) === undefined);
    if (!missing.length) return;
    if (!this.opts.asker.interactive) {
      throw this.missingError([...new Set([...missing, ...this.missingInputsAhead(at)])]);
    }
    for (const inputId of missing) {
      const spec = this.opts.inputs[inputId];
      if (!spec) throw new Error(`doctor: no input "${inputId}"`);
      this.settle(inputId, (await this.opts.asker.input(spec)).trim(), "prompt");
    }
  }

  /** Inputs the walk will certainly need before its next question (for one complete exit-64 list). */
  private missingInputsAhead(from: string): string[] {
    const out = new Set<string>();
    const seen = new Set<string>();
    const visit = (id: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      const node = this.tree.nodes[id];
      if (!node || node.kind === "question" || node.kind === "end") return;
      if (node.kind === "probe" && this.opts.probes[node.probe].applies === false) {
        if (node.next?.unknown) visit(node.next.unknown);
        return;
      }
      const wanted =
        node.kind === "probe"
          ? this.opts.probes[node.probe].inputs
          : node.run
            ? this.opts.actions[node.run].inputs
            : undefined;
      for (const i of wanted ?? []) {
        if (!this.inputValues.has(i) && !this.opts.asker.known(i)) out.add(i);
      }
      for (const e of edgesOf(node)) visit(e.to);
    };
    const start = this.tree.nodes[from];
    if (start?.kind === "question") {
      for (const e of edgesOf(start)) visit(e.to);
    } else {
      visit(from);
    }
    return [...out];
  }

  // --- probes ----------------------------------------------------------------------------------

  /** Starts every eager probe reachable from `from` whose inputs are already known. */
  private prefetch(from: string): void {
    const seen = new Set<string>();
    const queue = [from];
    while (queue.length) {
      const id = queue.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const node = this.tree.nodes[id];
      if (!node) continue;
      if (node.kind === "probe" && !this.running.has(node.probe)) {
        const spec = this.opts.probes[node.probe];
        if (
          spec.applies !== false &&
          spec.eager &&
          (spec.inputs ?? []).every((i) => this.peekInput(i) !== undefined)
        ) {
          void this.startProbe(node.probe, id, node.text).catch(() => undefined);
        }
      }
      for (const e of edgesOf(node)) queue.push(e.to);
    }
  }

  /**
   * An input's value if it is settled or given in advance (and valid), without recording it: the
   * input step appears in the transcript only when the walk reaches the node that needs it.
   */
  private peekInput(inputId: string): string | undefined {
    const settled = this.inputValues.get(inputId);
    if (settled !== undefined) return settled;
    const known = this.opts.asker.known(inputId);
    const spec = this.opts.inputs[inputId];
    if (!known || !spec || spec.validate?.(known.value) !== undefined) return undefined;
    return known.value;
  }

  private startProbe(name: ProbeName, id: string, text?: string): Promise<ProbeStep> {
    const running = this.running.get(name);
    if (running) return running;
    const spec = this.opts.probes[name];
    const inputs = Object.fromEntries((spec.inputs ?? []).map((i) => [i, this.peekInput(i) ?? ""]));
    const timeoutMs = spec.timeoutMs ?? this.opts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
    this.opts.onEvent?.({ type: "probe-start", id, probe: name, text });
    const startedAtMs = this.monotonic() - this.t0;
    const promise = this.runProbe(spec, inputs, timeoutMs).then((found) => {
      const step: ProbeStep = {
        kind: "probe",
        id,
        probe: name,
        text,
        ...found,
        ms: Math.round(this.monotonic() - this.t0 - startedAtMs),
        startedAtMs: Math.round(startedAtMs),
      };
      this.findings.set(name, step);
      return step;
    });
    this.running.set(name, promise);
    return promise;
  }

  private async runProbe(
    spec: ProbeSpec,
    inputs: Record<string, string>,
    timeoutMs: number,
  ): Promise<ProbeFinding> {
    const own = new AbortController();
    const signal = AbortSignal.any([this.signal, own.signal]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new ProbeTimeoutError(timeoutMs);
        own.abort(error);
        reject(error);
      }, timeoutMs);
    });
    try {
      // The race bounds even a probe that ignores its signal.
      return await Promise.race([spec.run({ inputs, signal, runSignal: this.signal }), timeout]);
    } catch (error) {
      if (this.opts.signal?.aborted) throw error;
      return { outcome: "unknown", summary: `Could not check: ${reason(error)}` };
    } finally {
      clearTimeout(timer);
    }
  }
}

class ProbeTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${formatSeconds(ms)}`);
  }
}

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 100) / 10;
  return `${s} second${s === 1 ? "" : "s"}`;
}

function isInterrupt(error: unknown): boolean {
  return error instanceof Error && (error.name === "ExitPromptError" || error.name === "InterruptedError");
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\.$/, "") || "unknown error";
}
