import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import * as jsYaml from "js-yaml";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { chainTreeYaml } from "../../test/helpers/tree-gen.js";
import { arbitraryYamlDocument, arbitraryYamlFragments } from "../../test/helpers/yaml-gen.js";
import { ConfigError } from "../errors.js";
import { linePos, MAX_YAML_DEPTH, parseUserJson, parseUserYaml, parseUserYamlWith } from "./yaml.js";
import { lineOf, lineStarts, readYamlEvents } from "./yaml-events.js";

const opts = { label: "f.yaml", file: "f.yaml" };
const fails = async (text: string) =>
  (await parseUserYaml(text, opts).then(
    () => undefined,
    (e: unknown) => e,
  )) as ConfigError | undefined;

describe("parseUserYaml", () => {
  it("says line, column and what is wrong for a tab, with advice", async () => {
    const error = await fails("profiles:\n  acme:\n\tbaseUrl: x\n");
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toBe(
      "f.yaml: not valid YAML at line 3, column 1: Tabs are not allowed as indentation (indent with spaces).",
    );
  });

  it("finds every repeated key in one linear walk, with the line of the repeat and the map's path", async () => {
    const { duplicates, data } = await parseUserYaml("a: 1\nb:\n  x: 1\n  x: 2\na: 3\n", opts);
    expect(duplicates).toEqual([
      { key: "x", line: 4, path: "b" },
      { key: "a", line: 5, path: "" },
    ]);
    expect(data).toEqual({ a: 3, b: { x: 2 } });
  });

  it("reports exactly the repeated keys of any generated map", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom("a", "b", "c", "d", "e"), { maxLength: 12 }),
        async (keys) => {
          const text = keys.map((k, i) => `${k}: ${i}`).join("\n");
          const { duplicates } = await parseUserYaml(text, opts);
          const seen = new Set<string>();
          const expected: string[] = [];
          for (const k of keys) {
            if (seen.has(k)) expected.push(k);
            seen.add(k);
          }
          expect(duplicates.map((d) => d.key)).toEqual(expected);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it("treats constructor and toString as plain names and refuses __proto__", async () => {
    const { data } = await parseUserYaml("constructor: 1\ntoString: x\nhasOwnProperty: 2\n", opts);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data as object)).toEqual(["constructor", "toString", "hasOwnProperty"]);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect((await fails("a:\n  __proto__:\n    polluted: yes\n"))?.message).toBe(
      'f.yaml: a.__proto__: "__proto__" cannot be used as a key (line 2).',
    );
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it("refuses an alias bomb without expanding it", async () => {
    let text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (let i = 1; i <= 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      text += `${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]\n`;
    }
    const started = Date.now();
    expect((await fails(text))?.message).toMatch(/uses YAML aliases \(\*name\) too often/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("refuses deep nesting, flow or block, before anything recurses on it", async () => {
    expect(
      (await fails(`${"[".repeat(MAX_YAML_DEPTH + 5)}${"]".repeat(MAX_YAML_DEPTH + 5)}`))?.message,
    ).toMatch(/nested (more than 64 levels deep|too deeply)/);
    expect((await fails(`${"- ".repeat(MAX_YAML_DEPTH + 5)}x\n`))?.message).toMatch(
      /nested more than 64 levels/,
    );
    expect((await fails("[".repeat(20_000)))?.message).toMatch(/^f\.yaml: /);
  });

  it("refuses keys that are lists, maps or tagged objects", async () => {
    expect((await fails("? [a, b]\n: c\n"))?.message).toMatch(/a key at line 1 is a list or map/);
    expect((await fails("!!binary AAAA: x\n"))?.message).toMatch(/a key at line 1 is not a plain name/);
  });

  it("throws the error the caller asks for", () => {
    expect(() =>
      parseUserYamlWith(YAML, "a: [", {
        label: "--answers a",
        syntax: "YAML or JSON",
        makeError: (m) => new RangeError(m),
      }),
    ).toThrow(RangeError);
  });

  it("never throws anything but a ConfigError, whatever the text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 200 }), async (text) => {
        const error = await fails(text);
        if (error !== undefined) expect(error).toBeInstanceOf(ConfigError);
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it("parses in time linear in the size of a tree (yaml's own duplicate check was quadratic)", async () => {
    const tree = (n: number) =>
      `nodes:\n${Array.from({ length: n }, (_, i) => `  n${i}:\n    kind: end\n    title: T${i}\n`).join("")}`;
    const cpu = async (text: string) => {
      const before = process.cpuUsage();
      await parseUserYaml(text, opts);
      const d = process.cpuUsage(before);
      return d.user + d.system;
    };
    // The best of three runs each: a garbage collection or a busy machine during one run only
    // makes that run slower, never faster.
    const best = async (text: string) => Math.min(await cpu(text), await cpu(text), await cpu(text));
    await cpu(tree(500)); // warm up
    const small = await best(tree(2_000));
    const large = await best(tree(8_000));
    // Linear: about 4 times; quadratic would be about 16.
    expect(large / small).toBeLessThan(9);
  });
});

describe("the fast path (js-yaml's events) against the yaml library", () => {
  const outcome = async (read: () => unknown) => {
    try {
      return { data: await read() };
    } catch (error) {
      return {
        error: error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error),
      };
    }
  };
  const same = async (text: string) => {
    const now = await outcome(() => parseUserYaml(text, opts));
    const before = await outcome(() => parseUserYamlWith(YAML, text, opts));
    // isDeepStrictEqual tells -0 from 0 and a missing key from an undefined one.
    if (!isDeepStrictEqual(now, before)) expect(now).toEqual(before);
    return now;
  };

  it("takes the fast path for ordinary trees and configs, with the yaml library's data", async () => {
    const builtin = readFileSync(new URL("../../trees/default.yaml", import.meta.url), "utf8");
    const config = "profiles:\n  acme:\n    baseUrl: https://portal.example\n    timeoutMs: 0x10\n";
    for (const text of [builtin, chainTreeYaml(50), config]) {
      const fast = readYamlEvents(jsYaml, text);
      expect(fast).toBeDefined();
      expect(fast).toEqual(parseUserYamlWith(YAML, text, opts));
    }
  });

  it("finds repeated keys with the line of the repeat and the map's path, quoted and in flow maps too", async () => {
    const text =
      "nodes:\n  a: 1\n  \"a\": 2\n  list:\n    - {x: 1, y: 2, 'x': 3}\n    - q: 1\n      q: 2\nnodes: 3\n";
    const fast = readYamlEvents(jsYaml, text);
    expect(fast?.duplicates).toEqual([
      { key: "a", line: 3, path: "nodes" },
      { key: "x", line: 5, path: "nodes.list[0]" },
      { key: "q", line: 7, path: "nodes.list[1]" },
      { key: "nodes", line: 8, path: "" },
    ]);
    expect(fast).toEqual(parseUserYamlWith(YAML, text, opts));
  });

  it("leaves to the yaml library what it is not sure about, which then answers as it always did", async () => {
    for (const text of [
      "a: &x 1\nb: *x\n",
      "a: !!str 1\n",
      "%YAML 1.1\n---\na: yes\n",
      "? [a]\n: b\n",
      "a: 1\n---\nb: 2\n",
      "a:\n\tb: 1\n",
      "\ufeffa: 1\n",
      "a:\n  __proto__: 1\n",
      "~: 1\n",
      "a: |+\n  x\n\n",
      "a: [\n",
    ]) {
      expect(readYamlEvents(jsYaml, text), text).toBeUndefined();
      await same(text);
    }
  });

  it("reads generated documents of random shape exactly as the yaml library does", async () => {
    let fast = 0;
    await fc.assert(
      fc.asyncProperty(arbitraryYamlDocument, async (text) => {
        if (readYamlEvents(jsYaml, text)) fast++;
        await same(text);
      }),
      { numRuns: 600, seed: 31 },
    );
    // The comparison means something only if most valid documents took the fast path.
    expect(fast).toBeGreaterThan(150);
  });

  it("reads runs of raw YAML fragments exactly as the yaml library does, errors included", async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryYamlFragments, async (text) => {
        await same(text);
      }),
      { numRuns: 800, seed: 32 },
    );
  });

  it("numbers lines from an index as linePos does from the top", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), fc.nat(60), (text, offset) => {
        const at = Math.min(offset, text.length);
        expect(lineOf(lineStarts(text), at)).toBe(linePos(text, at).line);
      }),
      { numRuns: 300, seed: 33 },
    );
  });
});

describe("parseUserJson", () => {
  it("says line and column of a syntax error", () => {
    expect(() => parseUserJson('{\n  "a": 1,\n  }', opts)).toThrow(
      /^f\.yaml: not valid JSON at line 3, column 3: /,
    );
  });
  it("refuses __proto__ and deep nesting", () => {
    expect(() => parseUserJson('{"a": {"__proto__": {"x": 1}}}', opts)).toThrow(
      'a.__proto__: "__proto__" cannot be used',
    );
    expect(() => parseUserJson(`${"[".repeat(100)}${"]".repeat(100)}`, opts)).toThrow(/nested more than 64/);
  });
});

describe("linePos", () => {
  it("agrees with counting lines by hand", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), fc.nat(60), (text, offset) => {
        const end = Math.min(offset, text.length);
        const before = text.slice(0, end).split("\n");
        expect(linePos(text, offset)).toEqual({
          line: before.length,
          column: (before.at(-1)?.length ?? 0) + 1,
        });
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});
