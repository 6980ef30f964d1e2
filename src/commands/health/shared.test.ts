import { describe, expect, it } from "vitest";
import { profilesFromArgs } from "./shared.js";

describe("profilesFromArgs", () => {
  it("collects every --profile, before and after the command, in both spellings, up to --", () => {
    expect(profilesFromArgs(["--profile", "a", "health", "--profile", "b", "--profile=c", "--json"])).toEqual(
      ["a", "b", "c"],
    );
    expect(profilesFromArgs(["health", "--all"])).toEqual([]);
    expect(profilesFromArgs(["health", "--", "--profile", "x"])).toEqual([]);
  });

  it("a profile name that looks like a flag is still the value", () => {
    expect(profilesFromArgs(["health", "--profile", "--odd"])).toEqual(["--odd"]);
  });
});
