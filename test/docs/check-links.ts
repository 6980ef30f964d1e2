// Finds the links in Markdown files and says which do not resolve inside the repository.
//
// The rule (docs/cli.md and README.md are read from a clone, with nothing beside it):
// - a relative link or image must name a file or folder that exists inside the repository root;
//   one that climbs out of it (../shared/...) fails even if something happens to be there;
// - `#anchor` (alone, or after a .md file) must name a heading of that file, as GitHub makes
//   anchors from headings;
// - absolute links may go to public web sites (http:, https:) and mail addresses (mailto:) only:
//   those are the sources of public facts and the projects we use, and are not part of any clone.
//   file:, absolute paths (/etc/...) and anything else fail.
// Code blocks and code spans are not links and are skipped.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";

export interface Link {
  file: string;
  line: number;
  target: string;
}

export interface LinkProblem extends Link {
  problem: string;
}

/** Text with fenced code blocks and code spans blanked out (line numbers kept). */
function withoutCode(text: string): string {
  const lines = text.split("\n");
  let fence: string | undefined;
  const out: string[] = [];
  for (const line of lines) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      out.push("");
      continue;
    }
    if (marker) {
      fence = marker;
      out.push("");
      continue;
    }
    // Code spans: a run of backticks up to the same run.
    out.push(line.replace(/(`+)(?:(?!\1).)+?\1/g, (m) => " ".repeat(m.length)));
  }
  return out.join("\n");
}

/** Every link and image target in a Markdown text: inline, reference definitions, autolinks, HTML. */
export function findLinks(file: string, text: string): Link[] {
  const links: Link[] = [];
  const clean = withoutCode(text);
  clean.split("\n").forEach((line, i) => {
    const push = (target: string) => links.push({ file, line: i + 1, target: target.trim() });
    // [text](target "title") and ![alt](target); the target may be <wrapped>.
    for (const m of line.matchAll(
      /!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g,
    )) {
      push((m[1] as string).replace(/^<|>$/g, ""));
    }
    // [id]: target
    const def = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(line);
    if (def) push((def[1] as string).replace(/^<|>$/g, ""));
    // <https://...> autolinks
    for (const m of line.matchAll(/<((?:https?|mailto|file):[^>\s]+)>/gi)) push(m[1] as string);
    // <a href="..."> and <img src="...">
    for (const m of line.matchAll(/<(?:a|img)\b[^>]*?\s(?:href|src)\s*=\s*["']([^"']+)["']/gi))
      push(m[1] as string);
  });
  return links;
}

/** GitHub's anchors for a Markdown file's headings (duplicates get -1, -2, ...). */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCode(text.replace(/`([^`]*)`/g, "$1")).split("\n")) {
    const m = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const words = (m[1] as string)
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // a link in a heading counts by its text
      .replace(/<[^>]+>/g, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(words) ?? 0;
    seen.set(words, n + 1);
    anchors.add(n === 0 ? words : `${words}-${n}`);
  }
  return anchors;
}

export function checkLinks(root: string, files: string[]): LinkProblem[] {
  const problems: LinkProblem[] = [];
  const repo = resolve(root);
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const link of findLinks(file, text)) {
      const fail = (problem: string) => problems.push({ ...link, problem });
      const { target } = link;
      if (target === "") {
        fail("empty link");
        continue;
      }
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase();
      if (scheme) {
        if (scheme !== "http" && scheme !== "https" && scheme !== "mailto") {
          fail(`a ${scheme}: link leaves the repository`);
        }
        continue;
      }
      if (target.startsWith("//")) {
        fail("a scheme-relative link leaves the repository; write https://");
        continue;
      }
      const [rawPath = "", anchor] = target.split("#", 2) as [string, string | undefined];
      const path = decodeURIComponent(rawPath.split("?")[0] as string);
      if (isAbsolute(path)) {
        fail("an absolute path names this machine, not the repository");
        continue;
      }
      const resolved = path === "" ? resolve(file) : resolve(dirname(file), path);
      const inside = relative(repo, resolved);
      if (inside.startsWith("..") || isAbsolute(inside)) {
        fail(`leaves the repository (resolves to ${resolved})`);
        continue;
      }
      if (!existsSync(resolved)) {
        fail(`no such file in the repository: ${inside}`);
        continue;
      }
      if (anchor !== undefined && anchor !== "") {
        if (!resolved.endsWith(".md") || statSync(resolved).isDirectory()) continue;
        const anchors = headingAnchors(readFileSync(resolved, "utf8"));
        if (!anchors.has(decodeURIComponent(anchor).toLowerCase())) {
          fail(`no heading for #${anchor} in ${inside}`);
        }
      }
    }
  }
  return problems;
}

/** README.md and every Markdown file under docs/ (recursively). */
export function documentationFiles(root: string): string[] {
  const files = [join(root, "README.md")];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith(".md")) files.push(full);
    }
  };
  walk(join(root, "docs"));
  return files;
}
