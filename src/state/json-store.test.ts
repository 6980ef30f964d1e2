// The JSON state store: values round-trip, garbage never throws anything but the store's own
// outcome, modes are private, a crash before the rename leaves the old file, updates serialize.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { JsonStore, jsonStore, type Schema, type StoreProblem } from "./json-store.js";

const root = mkdtempSync(join(tmpdir(), "rxportal-json-store-"));
let n = 0;
const freshFile = () => join(root, `case-${n++}`, "state.json");

/** Accepts any JSON value. */
const anything: Schema<unknown> = { safeParse: (value) => ({ success: true, data: value }) };

const Entry = z.object({ count: z.number().int(), names: z.array(z.string()), at: z.string().optional() });
type Entry = z.infer<typeof Entry>;
const entries = z.record(z.string(), Entry);

describe("JsonStore", () => {
  it("a missing file is the empty value, a fresh copy each time", async () => {
    const store = jsonStore<Record<string, Entry>>(freshFile(), entries, { empty: () => ({}) });
    const a = await store.read();
    a.x = { count: 1, names: [] };
    expect(await store.read()).toEqual({});
    expect(store.readSync()).toEqual({});
  });

  it("round-trips any JSON value (as JSON gives it back)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.constantFrom(0, 2), async (value, indent) => {
        const store = jsonStore(freshFile(), anything, { empty: () => "EMPTY", indent });
        await store.write(value);
        expect(await store.read()).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 40 },
    );
  });

  it("round-trips values a zod schema describes (zod schemas are Schemas)", async () => {
    const entry = fc.record(
      { count: fc.integer(), names: fc.array(fc.string()), at: fc.string() },
      { requiredKeys: ["count", "names"] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.string().filter((k) => k !== "__proto__"),
          entry,
        ),
        async (value) => {
          const store = jsonStore(freshFile(), entries, { empty: () => ({}) });
          await store.write(value);
          expect(await store.read()).toEqual(value);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("writes 0600 files in a 0700 folder, tightening a folder found looser, and leaves no temp file", async () => {
    const file = freshFile();
    const dir = join(file, "..");
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    const store = jsonStore(file, entries, { empty: () => ({}) });
    await store.write({ a: { count: 1, names: ["x"] } });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await store.write({ a: { count: 2, names: [] } });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["state.json"]);
    expect(readFileSync(file, "utf8")).toBe(`${JSON.stringify({ a: { count: 2, names: [] } }, null, 2)}\n`);
  });

  it("writes one line with indent 0", async () => {
    const file = freshFile();
    await jsonStore(file, anything, { empty: () => null, indent: 0 }).write({ a: [1, 2] });
    expect(readFileSync(file, "utf8")).toBe('{"a":[1,2]}\n');
  });

  it("garbage bytes give the empty value by default, and never throw", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const file = freshFile();
        mkdirSync(join(file, ".."), { recursive: true });
        writeFileSync(file, bytes);
        const store = jsonStore(file, entries, { empty: () => ({}) });
        const value = await store.read();
        // Either the bytes happen to be a valid file, or the store says "empty".
        const valid = (() => {
          try {
            return entries.safeParse(JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)));
          } catch {
            return { success: false as const };
          }
        })();
        expect(value).toEqual(valid.success ? valid.data : {});
      }),
      { numRuns: 100 },
    );
  });

  it("wrong-shaped JSON gives the store's own outcome, and nothing else is ever thrown", async () => {
    class Damaged extends Error {}
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const file = freshFile();
        mkdirSync(join(file, ".."), { recursive: true });
        writeFileSync(file, JSON.stringify(value));
        const problems: StoreProblem[] = [];
        const lenient = jsonStore<Record<string, Entry>>(file, entries, {
          empty: () => ({}),
          invalid: (problem) => {
            problems.push(problem);
            return { damaged: { count: -1, names: [] } };
          },
        });
        const strict = jsonStore(file, entries, {
          empty: () => ({}),
          invalid: (problem) => {
            throw new Damaged(problem.reason);
          },
        });
        const parsed = entries.safeParse(value);
        if (parsed.success) {
          expect(await lenient.read()).toEqual(parsed.data);
          expect(await strict.read()).toEqual(parsed.data);
        } else {
          expect(await lenient.read()).toEqual({ damaged: { count: -1, names: [] } });
          expect(problems).toEqual([expect.objectContaining({ file, reason: "invalid" })]);
          await expect(strict.read()).rejects.toBeInstanceOf(Damaged);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("says which step failed: unreadable, not JSON, invalid", () => {
    const reasons: string[] = [];
    const storeAt = (file: string, maxBytes?: number) =>
      jsonStore(file, entries, {
        empty: () => ({}),
        maxBytes,
        invalid: (p) => {
          reasons.push(p.reason);
          return {};
        },
      });
    const dir = join(root, `reasons-${n++}`);
    mkdirSync(join(dir, "a-folder"), { recursive: true });
    writeFileSync(join(dir, "not-json"), "{");
    writeFileSync(join(dir, "invalid"), "[1]");
    writeFileSync(join(dir, "large"), `{"a": ${" ".repeat(100)}}`);
    storeAt(join(dir, "a-folder")).readSync();
    storeAt(join(dir, "not-json")).readSync();
    storeAt(join(dir, "invalid")).readSync();
    storeAt(join(dir, "large"), 50).readSync();
    expect(reasons).toEqual(["unreadable", "not-json", "invalid", "unreadable"]);
  });

  it.skipIf(process.platform === "win32")(
    "a FIFO in the file's place is unreadable at once, not waited on",
    () => {
      const dir = join(root, `fifo-${n++}`);
      mkdirSync(dir);
      const fifo = join(dir, "state.json");
      execFileSync("mkfifo", [fifo]);
      let problem: StoreProblem | undefined;
      const value = jsonStore(fifo, entries, {
        empty: () => ({}),
        invalid: (p) => {
          problem = p;
          return {};
        },
      }).readSync();
      expect(value).toEqual({});
      expect(problem?.reason).toBe("unreadable");
      expect(String(problem?.cause)).toMatch(/named pipe/);
    },
  );

  it("a crash between the temp file and the rename leaves the old content", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.uint8Array({ maxLength: 200 }), async (old, half) => {
        const file = freshFile();
        const store = jsonStore(file, anything, { empty: () => "EMPTY" });
        await store.write(old);
        // What a writer that died before its rename leaves: a temp file beside the real one.
        writeFileSync(join(file, "..", ".0123456789ab.tmp"), half, { mode: 0o600 });
        expect(await store.read()).toEqual(JSON.parse(JSON.stringify(old)));
        await store.write({ next: true });
        expect(await store.read()).toEqual({ next: true });
      }),
      { numRuns: 25 },
    );
  });

  it("update reads, changes and writes; undefined leaves the file alone", async () => {
    const file = freshFile();
    const store = new JsonStore(file, entries, { empty: () => ({}) });
    expect(await store.update(() => undefined)).toEqual({});
    expect(() => statSync(file)).toThrow();
    const next = await store.update((cur) => ({ ...cur, a: { count: 1, names: [] } }));
    expect(next).toEqual({ a: { count: 1, names: [] } });
    expect(await store.read()).toEqual(next);
  });

  it("updates of one file in one process run one after the other, even when one fails", async () => {
    const file = freshFile();
    const counter = z.object({ n: z.number() });
    const stores = [0, 1, 2].map(() => jsonStore(file, counter, { empty: () => ({ n: 0 }) }));
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        (stores[i % 3] as JsonStore<{ n: number }>).update(async (cur) => {
          await new Promise((r) => setTimeout(r, i % 4));
          if (i === 7) throw new Error("boom");
          return { n: cur.n + 1 };
        }),
      ),
    );
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
    expect(await stores[0]?.read()).toEqual({ n: 29 });
  });
});

describe("the stores built on JsonStore", () => {
  it("none of them reaches the context module, not even through a type-only or lazy import", async () => {
    // @ts-expect-error a plain .mjs script
    const { importGraph } = await import("../../test/architecture/import-cycles.mjs");
    const src = join(import.meta.dirname, "..");
    const graph = importGraph(src) as Map<string, Set<string>>;
    const reach = (from: string) => {
      const seen = new Set<string>();
      const todo = [join(src, from)];
      for (let file = todo.pop(); file; file = todo.pop()) {
        for (const dep of graph.get(file) ?? []) if (!seen.has(dep)) seen.add(dep) && todo.push(dep);
      }
      return seen;
    };
    const stores = [
      "state/json-store.ts",
      "auth/users.ts",
      "auth/code-record.ts",
      "auth/lockout-guard.ts",
      "member/id-card-store.ts",
      "config/load.ts",
    ];
    const context = join(src, "context.ts");
    expect(stores.filter((s) => reach(s).has(context))).toEqual([]);
    // The check can fail: a command, which takes the context, does reach it.
    expect(reach("commands/auth/login.ts").has(context)).toBe(true);
  });
});
