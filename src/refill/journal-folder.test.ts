import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RefillJournal } from "./journal.js";
import { JOURNAL_FOLDER, journalDir, journalMayHaveEntries } from "./journal-folder.js";

const dataDir = () => mkdtempSync(join(tmpdir(), "rxportal-journal-folder-"));

describe("journalMayHaveEntries", () => {
  it("is false only where the journal's folder does not exist", () => {
    const data = dataDir();
    expect(journalMayHaveEntries(join(data, "missing"))).toBe(false);
    expect(journalMayHaveEntries(data)).toBe(false);
    mkdirSync(join(data, JOURNAL_FOLDER));
    expect(journalMayHaveEntries(data)).toBe(true);
  });

  it("leaves anything else to the journal: a file in the folder's place, a data folder that is a file", () => {
    const data = dataDir();
    writeFileSync(join(data, JOURNAL_FOLDER), "");
    expect(journalMayHaveEntries(data)).toBe(true);
    const file = join(dataDir(), "data");
    writeFileSync(file, "");
    expect(journalMayHaveEntries(file)).toBe(true);
  });

  it("names the folder the journal itself uses", () => {
    const data = dataDir();
    expect(journalDir(data)).toBe(new RefillJournal(data).dir);
  });
});
