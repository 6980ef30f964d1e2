import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { builtinContacts } from "./builtin.js";
import { filterContacts, parseEnrollee, parseTopic, telUri } from "./filter.js";

const all = builtinContacts.contacts;

describe("filterContacts", () => {
  it("gives Medicare members the Medicare line with its TTY line", () => {
    const found = filterContacts(all, { enrollee: "medicare" });
    const medicare = found.find((c) => c.id === "medicare");
    expect(medicare?.phone).toBe("(866) 529-4917");
    expect(medicare?.tty).toBe("(800) 899-2114");
    expect(found.some((c) => c.id === "tricare")).toBe(false);
  });

  it("lists the pharmacy line for Medicare members too: its home-delivery pharmacy serves them", () => {
    const found = filterContacts(all, { enrollee: "medicare" });
    expect(found.find((c) => c.id === "pharmacy")).toMatchObject({
      phone: "(800) 282-2881",
      tty: "(800) 759-1089",
    });
    expect(filterContacts(all, { enrollee: "tricare" }).some((c) => c.id === "pharmacy")).toBe(false);
  });

  it("sends a TRICARE member with a sign-in problem to the TRICARE line", () => {
    const found = filterContacts(all, { enrollee: "tricare", topic: "website" });
    expect(found.map((c) => c.id)).toEqual(["tricare"]);
  });

  it("keeps only lines with a TTY number when asked", () => {
    const found = filterContacts(all, { tty: true });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((c) => c.tty)).toBe(true);
    expect(found.some((c) => c.id === "web-support")).toBe(false);
  });

  it("routes registration help by enrollee type", () => {
    expect(
      filterContacts(all, { enrollee: "commercial", topic: "registration" }).map((c) => c.phone),
    ).toEqual(["(866) 685-2792"]);
    expect(filterContacts(all, { enrollee: "medicare", topic: "registration" }).map((c) => c.phone)).toEqual([
      "(888) 416-3326",
    ]);
  });
});

describe("parsing", () => {
  it("accepts enrollee types in any case and topic aliases", () => {
    expect(parseEnrollee("Medicare")).toBe("medicare");
    expect(parseTopic("sign-in")).toBe("website");
    expect(parseTopic("fraud")).toBe("security");
  });
  it("refuses unknown values with a usage error naming the choices", () => {
    expect(() => parseEnrollee("medicaid")).toThrow(UsageError);
    expect(() => parseTopic("weather")).toThrow(/expected one of prescriptions/);
  });
  it("builds tel: URIs", () => {
    expect(telUri("(800) 282-2881")).toBe("tel:+18002822881");
  });
});
