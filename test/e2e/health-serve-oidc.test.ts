// health serve on OIDC profiles, through the built binary: a profile /probe prepares itself (one
// the exporter was not started with) signs in with the credential health serve was given, as a
// portal profile takes its --username and --password-file; the secret is in no output.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  appendMonitorProfile,
  closedPort,
  type OidcHealthSandbox,
  startOidcHealthSandbox,
  writeOidcConfig,
} from "../helpers/oidc-health.js";
import { firstLine, startCli, tempHome } from "../helpers/spawn.js";

let sbx: OidcHealthSandbox;
let home: string;

beforeAll(async () => {
  sbx = await startOidcHealthSandbox();
  home = tempHome();
  const config = writeOidcConfig(join(home, ".config", "rxportal"), sbx, await closedPort());
  appendMonitorProfile(config, sbx, "monitor2");
});
afterAll(() => sbx?.close());

describe("health serve --client-secret-file", () => {
  it("serves /probe?target=<a profile it was not started with>&login=1 with that secret", async () => {
    const secretFile = join(home, "monitor-secret");
    writeFileSync(secretFile, `${sbx.monitorSecret}\n`, { mode: 0o600 });
    const child = startCli(
      [
        "health",
        "serve",
        "--port",
        "0",
        "--login",
        "--profile",
        "monitor",
        "--client-secret-file",
        secretFile,
      ],
      { home },
    );
    let err = "";
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    try {
      const url = await firstLine(child, 20_000);
      const response = await fetch(url.replace(/\/metrics$/, "/probe?target=monitor2&login=1"));
      const text = await response.text();
      expect(response.status, text).toBe(200);
      expect(text).toMatch(/^probe_rxportal_phase_success\{phase="token"\} 1$/m);
      expect(text).toMatch(/^probe_success 1$/m);
      expect(text + err).not.toContain(sbx.monitorSecret);
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  });
});
