// Every relative link and image in README.md and docs/ resolves inside the repository: a clone
// has nothing beside it (no ../shared/), so a link out of the repository is a dead link for
// every reader. Links to public web sites are allowed (see check-links.ts for the rule).
import { describe, expect, it } from "vitest";
import { checkLinks, documentationFiles, findLinks, headingAnchors } from "./check-links.js";

const root = new URL("../..", import.meta.url).pathname;
const fixture = new URL("./fixtures/repo", import.meta.url).pathname;

describe("links in README.md and docs/", () => {
  it("checks README.md and docs/cli.md at least", () => {
    const files = documentationFiles(root).map((f) => f.slice(root.length));
    expect(files).toContain("README.md");
    expect(files).toContain("docs/cli.md");
  });

  it("every relative link and image resolves inside the repository, every #anchor to a heading", () => {
    const problems = checkLinks(root, documentationFiles(root));
    expect(problems.map((p) => `${p.file.slice(root.length)}:${p.line}: ${p.target}: ${p.problem}`)).toEqual(
      [],
    );
  });
});

describe("the link checker (on a fixture repository, so it is known to fail)", () => {
  const problems = checkLinks(fixture, documentationFiles(fixture));
  const bad = problems.map((p) => p.target);

  it("reports every dangling, escaping or non-web link, and no good one", () => {
    expect(bad.sort()).toEqual(
      [
        "docs/missing.md",
        "../shared/cli.md",
        "docs/guide.md#no-such-part",
        "img/missing.png",
        "file:///etc/passwd",
        "/etc/passwd",
        "../../outside.md",
        "docs/gone.md",
      ].sort(),
    );
    expect(problems.find((p) => p.target === "../shared/cli.md")?.problem).toMatch(/leaves the repository/);
    expect(problems.find((p) => p.target === "docs/missing.md")?.problem).toMatch(/no such file/);
    expect(problems.find((p) => p.target.endsWith("#no-such-part"))?.problem).toMatch(/no heading/);
  });

  it("skips code spans and fenced blocks", () => {
    const targets = findLinks("x.md", "`[a](b.md)`\n```\n[c](d.md)\n```\n[e](f.md)\n").map((l) => l.target);
    expect(targets).toEqual(["f.md"]);
  });

  it("makes GitHub's anchors from headings", () => {
    const anchors = headingAnchors(
      "# Output for pipes, files and screen readers\n## `config path|show|validate`, `profiles`\n## A\n## A\n",
    );
    expect([...anchors]).toEqual([
      "output-for-pipes-files-and-screen-readers",
      "config-pathshowvalidate-profiles",
      "a",
      "a-1",
    ]);
  });
});
