// The troubleshooting tree as data (shared/STYLE.md, "Data over code for the tree"). The schema is
// deliberately lenient about graph shape (empty remedies, missing `next`, empty answer lists):
// those are lint problems, reported all at once by tree-lint.ts, rather than the first schema
// error only. What the schema rejects is what no linter could make sense of.
import * as z from "zod/mini";
import "../zod-messages.js";
import { contactTopics } from "../contacts/types.js";
import { LANGS } from "../i18n/lang.js";
import { actionRuns, languagesAreValid, NODE_ID, probeNames, severities } from "./tree-shape.js";

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

/** A text in each language the tree has it in: `{ en: "...", es: "..." }`. Which languages a text
 * must have is tree lint's question (`missing-language`), so that all are listed at once. The keys
 * are LANGS (src/i18n/lang.ts), which the quick check reads: the property test fails if they part. */
export const TextMapSchema = z.strictObject({ en: z.optional(text), es: z.optional(text) });

/** A human text: a plain string (English), or a map by language. */
export const LocalizedTextSchema = z.union([text, TextMapSchema], {
  error: "expected a text, or texts by language ({ en: ..., es: ... })",
});

/** The languages a tree declares: English first, each once (`languagesAreValid`, tree-shape.ts). */
const LanguagesSchema = z.array(z.enum(LANGS)).check(
  z.refine(languagesAreValid, {
    error: `expected a list of languages (${LANGS.join(", ")}) that starts with en and names each once`,
  }),
);

// The node schemas over a text schema: the file's (a string or a map by language), and, for the
// types only, the plain strings of a localized tree (tree-localize.ts), which engine and report use.
function treeSchemas<T extends z.ZodMiniType<string | z.infer<typeof TextMapSchema>>>(text: T) {
  const AnswerSchema = z.strictObject({
    value: z
      .string()
      .check(
        z.regex(/^[a-z0-9][a-z0-9-]*$/, "expected an answer value of lower-case letters, digits and dashes"),
      ),
    label: text,
    next: NodeIdSchema,
  });

  const QuestionNodeSchema = z.strictObject({
    kind: z.literal("question"),
    text,
    help: z.optional(text),
    answers: z.array(AnswerSchema),
  });

  const ProbeNodeSchema = z.strictObject({
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

  const ActionNodeSchema = z.strictObject({
    kind: z.literal("action"),
    text,
    run: z.optional(z.enum(actionRuns)),
    next: z.optional(NodeIdSchema),
  });

  const EndNodeSchema = z.strictObject({
    kind: z.literal("end"),
    title: text,
    remedy: z.array(text),
    contacts: z.optional(z.enum(contactTopics)),
    severity: z.optional(z.enum(severities)),
  });

  const TreeNodeSchema = z.discriminatedUnion("kind", [
    QuestionNodeSchema,
    ProbeNodeSchema,
    ActionNodeSchema,
    EndNodeSchema,
  ]);

  const TreeSchema = z.strictObject({
    version: z.literal(1),
    languages: z.optional(LanguagesSchema),
    start: NodeIdSchema,
    branches: z.record(NodeIdSchema, NodeIdSchema),
    nodes: z.record(NodeIdSchema, TreeNodeSchema),
  });

  return {
    AnswerSchema,
    QuestionNodeSchema,
    ProbeNodeSchema,
    ActionNodeSchema,
    EndNodeSchema,
    TreeNodeSchema,
    TreeSchema,
  };
}

/** The schemas of a tree file: every human text is a string or a map by language. */
export const {
  AnswerSchema,
  QuestionNodeSchema,
  ProbeNodeSchema,
  ActionNodeSchema,
  EndNodeSchema,
  TreeNodeSchema,
  TreeSchema,
} = treeSchemas(LocalizedTextSchema);

/** Each node kind's own schema, for messages about one node (the keys that kind allows). */
export const nodeSchemas = {
  question: QuestionNodeSchema,
  probe: ProbeNodeSchema,
  action: ActionNodeSchema,
  end: EndNodeSchema,
} as const;

export type LocalizedText = z.infer<typeof LocalizedTextSchema>;
export type TextMap = z.infer<typeof TextMapSchema>;

/** A tree as its file has it, validated: texts may be maps by language (tree lint sees this). */
export type TreeFile = z.infer<typeof TreeSchema>;
export type TreeFileNode = z.infer<typeof TreeNodeSchema>;

// The same schemas over plain strings, never built: the types of a tree in one language.
type Plain = ReturnType<typeof treeSchemas<typeof text>>;

/** A tree in one language (`localizeTree`): every text a plain string. What the engine walks. */
export type Tree = Omit<z.infer<Plain["TreeSchema"]>, "languages">;
export type TreeNode = z.infer<Plain["TreeNodeSchema"]>;
export type QuestionNode = z.infer<Plain["QuestionNodeSchema"]>;
export type ProbeNode = z.infer<Plain["ProbeNodeSchema"]>;
export type ActionNode = z.infer<Plain["ActionNodeSchema"]>;
export type EndNode = z.infer<Plain["EndNodeSchema"]>;
