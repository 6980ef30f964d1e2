// The printable kit: one self-contained page (no script, no external URL), and text from the portal
// never becomes markup, whatever the drug, the member's name or the pharmacy are called.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cases } from "../../test/helpers/cases.js";
import { printable } from "../ui/output.js";
import { escapeHtml, kitHtml } from "./kit-html.js";
import type { KitMedication, SavedKit } from "./kit-store.js";

/** The elements the page is made of; void ones have no closing tag. */
const ALLOWED = new Set(
  "html head meta title style body main h1 h2 p section dl dt dd table caption thead tbody tr th td span footer".split(
    " ",
  ),
);
const VOID = new Set(["meta"]);

/**
 * Checks the page is well-formed in the sense that matters here: every "<" starts one of the
 * page's own tags, tags nest and close properly, no attribute holds a URL or a handler, and the
 * text between tags has no raw "<" or ">" and only known entities.
 */
function wellFormed(html: string): { texts: string[] } {
  const body = html.replace(/^<!DOCTYPE html>\n/, "");
  // The style sheet is ours and constant; take it out before looking at tags.
  const [before, rest] = body.split("<style>");
  const [css, after] = (rest ?? "").split("</style>");
  expect(css).not.toMatch(/url\(|@import|expression\(/i);
  const markup = `${before}<style></style>${after}`;
  const stack: string[] = [];
  const texts: string[] = [];
  const tag = /<(\/?)([a-z][a-z0-9]*)((?:\s+[a-z-]+="[^"<>]*")*)\s*>/g;
  let last = 0;
  const checkText = (text: string) => {
    if (/[<>]/.test(text)) throw new Error(`raw < or > in text: ${text.slice(0, 60)}`);
    if (/&(?!(#\d+|amp|lt|gt|quot);)/.test(text)) throw new Error(`bad entity in text: ${text.slice(0, 60)}`);
    if (text.trim()) texts.push(text);
  };
  for (const m of markup.matchAll(tag)) {
    checkText(markup.slice(last, m.index));
    last = m.index + m[0].length;
    const [, close, name = "", attrs = ""] = m;
    if (!ALLOWED.has(name)) throw new Error(`element <${name}>`);
    if (/\s(on[a-z]+|src|href|style|action|formaction)=/i.test(attrs)) throw new Error(`attribute ${attrs}`);
    if (close) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else if (!VOID.has(name)) {
      stack.push(name);
    }
  }
  checkText(markup.slice(last));
  expect(stack).toEqual([]);
  return { texts };
}

const unescapeHtml = (text: string) =>
  text.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, "&");

const hostile = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom(
      "<",
      ">",
      "&",
      '"',
      "'",
      "/",
      "=",
      " ",
      "\u0000",
      "\u001b",
      "\u202e",
      "a",
      "é",
      "💊",
    ),
    maxLength: 30,
  }),
  fc.constantFrom(
    "</td></tr></table><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<!-- x",
    "]]><![CDATA[",
    "&lt;b&gt;",
    "<style>body{background:url(https://evil.example/x)}</style>",
    "javascript:alert(1)",
  ),
);
const day = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2040-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const medication: fc.Arbitrary<KitMedication> = fc.record(
  {
    rxId: hostile,
    drug: hostile,
    strength: hostile,
    quantity: fc.nat({ max: 10_000 }),
    daysSupply: fc.nat({ max: 400 }),
    prescriber: hostile,
    pharmacy: hostile,
    lastFilled: day,
    nextEligibleDate: day,
    status: fc.oneof(fc.constantFrom("active", "too_soon", "no_refills", "expired"), hostile),
  },
  { requiredKeys: ["rxId", "drug", "strength", "quantity", "daysSupply", "status"] },
);

const kit: fc.Arbitrary<SavedKit> = fc.record({
  version: fc.constant(1 as const),
  savedAt: fc.constant("2026-02-10T09:30:00.000Z"),
  profile: fc.constant("acme"),
  self: fc.boolean(),
  memberId: fc.constant("M1"),
  card: fc.record({
    memberId: hostile,
    name: hostile,
    plan: hostile,
    group: hostile,
    bin: hostile,
    pcn: hostile,
    issuer: hostile,
    effectiveDate: day,
    helpPhone: hostile,
  }),
  medications: fc.array(medication, { maxLength: 6 }),
});

const opts = { savedWords: "Tue, 10 Feb 2026, 09:30 UTC (3 days ago)", dateWords: (d: string) => d };

describe("the printable kit", () => {
  it("escapes every character that could start markup", () => {
    expect(escapeHtml(`<a href="x">&'`)).toBe("&#60;a href=&#34;x&#34;&#62;&#38;&#39;");
    expect(escapeHtml("a\u0000b\u001b[31mc")).toBe("a b [31mc");
  });

  it("stays well-formed and self-contained for any text the portal may send, and shows it all", () => {
    fc.assert(
      fc.property(kit, (k) => {
        const html = kitHtml(k, opts);
        // Portal text may mention a URL or "src=" as text; as markup it cannot exist (wellFormed).
        expect(html).not.toMatch(/<(script|link|img|iframe|object|base|form)/i);
        const { texts } = wellFormed(html);
        const shown = unescapeHtml(texts.join("\n"));
        for (const m of k.medications) {
          expect(shown).toContain(printable(m.drug));
          if (m.prescriber) expect(shown).toContain(printable(m.prescriber));
        }
        expect(shown).toContain(printable(k.card.bin));
      }),
      { numRuns: cases(300), seed: 1212 },
    );
  });

  it("has print rules, says when it was saved and what a pharmacy can do", () => {
    const html = kitHtml(
      {
        version: 1,
        savedAt: "2026-02-10T09:30:00.000Z",
        profile: "acme",
        self: true,
        memberId: "M1",
        card: {
          memberId: "M1",
          name: "Alice",
          plan: "P",
          group: "G",
          bin: "1",
          pcn: "2",
          issuer: "I",
          effectiveDate: "2026-01-01",
          helpPhone: "1",
        },
        medications: [],
      },
      opts,
    );
    expect(html).toContain("@media print");
    expect(html).not.toMatch(/https?:\/\/|\bsrc=|\bhref=|url\(/i);
    expect(html).toContain("Saved Tue, 10 Feb 2026, 09:30 UTC (3 days ago). It may be out of date.");
    expect(html).toMatch(/emergency supply/);
    expect(html).toContain("No prescriptions were on file when this kit was saved.");
    // Prescriber and pharmacy columns appear only when the portal gave them.
    expect(html).not.toContain("Prescriber");
    wellFormed(html);
  });
});
