import { describe, expect, it } from "vitest";
import { edgesOf, TreeSchema } from "./tree-schema.js";

const minimal = {
  version: 1,
  start: "q",
  branches: { main: "q" },
  nodes: {
    q: { kind: "question", text: "Ok?", answers: [{ value: "yes", label: "Yes", next: "p" }] },
    p: { kind: "probe", probe: "dns", next: { ok: "a", problem: "e", unknown: "e" } },
    a: { kind: "action", text: "Reset", run: "reset", next: "e" },
    e: { kind: "end", title: "Done", remedy: ["Rest."], contacts: "website", severity: "info" },
  },
};

describe("TreeSchema", () => {
  it("accepts every node kind", () => {
    const tree = TreeSchema.parse(minimal);
    expect(edgesOf(tree.nodes.p as never)).toEqual([
      { label: "ok", to: "a" },
      { label: "problem", to: "e" },
      { label: "unknown", to: "e" },
    ]);
  });

  it.each([
    ["an unknown probe", { p: { kind: "probe", probe: "ping" } }, ["nodes", "p", "probe"]],
    ["an unknown action", { a: { kind: "action", text: "x", run: "format-disk" } }, ["nodes", "a", "run"]],
    ["an unknown kind", { x: { kind: "maybe" } }, ["nodes", "x", "kind"]],
    ["an unknown key", { e: { kind: "end", title: "t", remedy: [], colour: "red" } }, ["nodes", "e"]],
    ["a bad node id", { "Bad Id": { kind: "end", title: "t", remedy: [] } }, ["nodes", "Bad Id"]],
    [
      "an unknown contacts topic",
      { e: { kind: "end", title: "t", remedy: [], contacts: "pizza" } },
      ["nodes", "e", "contacts"],
    ],
  ])("rejects %s", (_, nodes, path) => {
    const result = TreeSchema.safeParse({ ...minimal, nodes: { ...minimal.nodes, ...nodes } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });

  it("rejects another version", () => {
    expect(TreeSchema.safeParse({ ...minimal, version: 2 }).success).toBe(false);
  });
});
