// Run in a child Node process (bundled by bundle.ts) so a test can control the environment the
// whole CLI-side code sees, and time how long the process takes to end on its own.
//   node runner.mjs describe
//   node runner.mjs get-timeout <timeoutMs>
//   node runner.mjs roundtrip <profile> <username>
//   node runner.mjs get <profile> <username>
// Prints one JSON line on stdout.
import { describeBackend } from "../../src/credentials/backend.js";
import { KeychainError } from "../../src/credentials/errors.js";
import { KeychainCredentialStore } from "../../src/credentials/keychain.js";

const [mode, ...args] = process.argv.slice(2);
const started = performance.now();
const elapsed = () => Math.round(performance.now() - started);

function failure(error: unknown) {
  if (error instanceof KeychainError) {
    return { exitCode: error.exitCode, failure: error.failure, message: error.message, elapsedMs: elapsed() };
  }
  return { unexpected: String(error), elapsedMs: elapsed() };
}

async function main(): Promise<unknown> {
  if (mode === "describe") return { info: await describeBackend(process.env), elapsedMs: elapsed() };
  if (mode === "get-timeout") {
    const store = new KeychainCredentialStore({ env: process.env, timeoutMs: Number(args[0]) });
    try {
      return { value: await store.getPassword("hang", "alice"), elapsedMs: elapsed() };
    } catch (error) {
      return failure(error);
    }
  }
  if (mode === "roundtrip") {
    const [profile = "", username = ""] = args;
    const store = new KeychainCredentialStore({ env: process.env });
    try {
      await store.setPassword(profile, username, "runner-secret");
      const read = await store.getPassword(profile, username);
      const deleted = await store.deletePassword(profile, username);
      return { read, deleted, elapsedMs: elapsed() };
    } catch (error) {
      return failure(error);
    }
  }
  if (mode === "get") {
    const [profile = "", username = ""] = args;
    const store = new KeychainCredentialStore({ env: process.env });
    try {
      return { value: await store.getPassword(profile, username), elapsedMs: elapsed() };
    } catch (error) {
      return failure(error);
    }
  }
  throw new Error(`unknown mode ${mode}`);
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
