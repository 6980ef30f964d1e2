// Where the refill journal lives, apart from its code (src/refill/journal.ts): `refill list` looks
// for the folder first and loads the journal (its schemas, its locks) only when there is one.
import { statSync } from "node:fs";
import { join } from "node:path";

export const JOURNAL_FOLDER = "refill-journal";

export function journalDir(dataDir: string): string {
  return join(dataDir, JOURNAL_FOLDER);
}

/**
 * False only when the journal's folder does not exist: nobody ever ordered a refill through
 * rxportal here, so there is no entry to read. Anything else (the folder, a file in its place, a
 * path that cannot be looked at) is the journal's to read or to report.
 */
export function journalMayHaveEntries(dataDir: string): boolean {
  try {
    statSync(journalDir(dataDir));
    return true;
  } catch (error) {
    // Only ENOENT: `throwIfNoEntry: false` also hides ENOTDIR on Node 22 and later.
    return (error as NodeJS.ErrnoException).code !== "ENOENT";
  }
}
