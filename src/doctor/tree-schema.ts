// The troubleshooting tree as data (shared/STYLE.md, "Data over code for the tree"). The schema is
// deliberately lenient about graph shape (empty remedies, missing `next`, empty answer lists):
// those are lint problems, reported all at once by tree-lint.ts, rather than the first schema
// error only. What the schema rejects is what no linter could make sense of.
import * as z from "zod/mini";
import "../zod-messages.js";
import { contactTopics } from "../contacts/types.js";
import { actionRuns, NODE_ID, probeNames, severities } from "./tree-shape.js";

// The names, edgesOf and the quick check live in tree-shape.ts, without zod; the schema uses them.
export {
  type ActionRun,
  actionRuns,
  edgesOf,
  type ProbeName,
  type ProbeOutcome,
  probeNames,
  probeOutcomes,
  severities,
} from "./tree-shape.js";

// Lower-case words with dashes: ids end up in `--answer id=value`, Mermaid and DOT output.
const NodeIdSchema = z
  .string()
  .check(z.regex(NODE_ID, "expected a node id of lower-case letters, digits and dashes"));

const text = z.string().check(z.trim(), z.minLength(1));

export const AnswerSchema = z.strictObject({
  value: z
    .string()
    .check(
      z.regex(/^[a-z0-9][a-z0-9-]*$/, "expected an answer value of lower-case letters, digits and dashes"),
    ),
  label: text,
  next: NodeIdSchema,
});

export const QuestionNodeSchema = z.strictObject({
  kind: z.literal("question"),
  text,
  help: z.optional(text),
  answers: z.array(AnswerSchema),
});

export const ProbeNodeSchema = z.strictObject({
  kind: z.literal("probe"),
  probe: z.enum(probeNames),
  /** What the probe looks at, in words for the transcript. */
  text: z.optional(text),
  next: z.optional(
    z.strictObject({
      ok: z.optional(NodeIdSchema),
      problem: z.optional(NodeIdSchema),
      unknown: z.optional(NodeIdSchema),
    }),
  ),
});

export const ActionNodeSchema = z.strictObject({
  kind: z.literal("action"),
  text,
  run: z.optional(z.enum(actionRuns)),
  next: z.optional(NodeIdSchema),
});

export const EndNodeSchema = z.strictObject({
  kind: z.literal("end"),
  title: text,
  remedy: z.array(text),
  contacts: z.optional(z.enum(contactTopics)),
  severity: z.optional(z.enum(severities)),
});

export const TreeNodeSchema = z.discriminatedUnion("kind", [
  QuestionNodeSchema,
  ProbeNodeSchema,
  ActionNodeSchema,
  EndNodeSchema,
]);

/** Each node kind's own schema, for messages about one node (the keys that kind allows). */
export const nodeSchemas = {
  question: QuestionNodeSchema,
  probe: ProbeNodeSchema,
  action: ActionNodeSchema,
  end: EndNodeSchema,
} as const;

export const TreeSchema = z.strictObject({
  version: z.literal(1),
  start: NodeIdSchema,
  branches: z.record(NodeIdSchema, NodeIdSchema),
  nodes: z.record(NodeIdSchema, TreeNodeSchema),
});

export type Tree = z.infer<typeof TreeSchema>;
export type TreeNode = z.infer<typeof TreeNodeSchema>;
export type QuestionNode = z.infer<typeof QuestionNodeSchema>;
export type ProbeNode = z.infer<typeof ProbeNodeSchema>;
export type ActionNode = z.infer<typeof ActionNodeSchema>;
export type EndNode = z.infer<typeof EndNodeSchema>;
