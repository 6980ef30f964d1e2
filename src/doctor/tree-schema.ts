// The troubleshooting tree as data (shared/STYLE.md, "Data over code for the tree"). The schema is
// deliberately lenient about graph shape (empty remedies, missing `next`, empty answer lists):
// those are lint problems, reported all at once by tree-lint.ts, rather than the first schema
// error only. What the schema rejects is what no linter could make sense of.
import { z } from "zod";
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
const NodeIdSchema = z.string().regex(NODE_ID, "expected a node id of lower-case letters, digits and dashes");

const text = z.string().trim().min(1);

export const AnswerSchema = z.strictObject({
  value: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, "expected an answer value of lower-case letters, digits and dashes"),
  label: text,
  next: NodeIdSchema,
});

export const QuestionNodeSchema = z.strictObject({
  kind: z.literal("question"),
  text,
  help: text.optional(),
  answers: z.array(AnswerSchema),
});

export const ProbeNodeSchema = z.strictObject({
  kind: z.literal("probe"),
  probe: z.enum(probeNames),
  /** What the probe looks at, in words for the transcript. */
  text: text.optional(),
  next: z
    .strictObject({
      ok: NodeIdSchema.optional(),
      problem: NodeIdSchema.optional(),
      unknown: NodeIdSchema.optional(),
    })
    .optional(),
});

export const ActionNodeSchema = z.strictObject({
  kind: z.literal("action"),
  text,
  run: z.enum(actionRuns).optional(),
  next: NodeIdSchema.optional(),
});

export const EndNodeSchema = z.strictObject({
  kind: z.literal("end"),
  title: text,
  remedy: z.array(text),
  contacts: z.enum(contactTopics).optional(),
  severity: z.enum(severities).optional(),
});

export const TreeNodeSchema = z.discriminatedUnion("kind", [
  QuestionNodeSchema,
  ProbeNodeSchema,
  ActionNodeSchema,
  EndNodeSchema,
]);

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
