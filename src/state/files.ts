// Files rxportal writes (state, journals, offline ID cards, reports): folders 0700, files 0600,
// written atomically (temp file, fsync, rename) so a crash leaves the old or the new file, never half.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";

export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by the umask and leaves existing folders alone; make sure.
  await chmod(dir, 0o700);
}

/** Writes `data` to `file` atomically with mode 0600, creating the folder 0700. */
export async function writePrivateFile(file: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(file);
  await ensurePrivateDir(dir);
  const tmp = join(dir, `.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(tmp, "wx", 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await syncDir(dir);
}

/** Makes a rename durable: fsync the folder that holds it (a no-op where that is not supported). */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot open or fsync a folder; the rename itself is still atomic there.
  }
}

/** Reads a JSON file; undefined when it does not exist. */
export async function readJsonFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
