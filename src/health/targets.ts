// /probe's targets: any profile of the config file (or one health serve was started with), ready
// to probe with or without the sign-in, prepared on first use and kept. A name that is no profile
// is the caller's mistake (400), as an unknown module is to blackbox_exporter.
import { requireApiProfile, resolveProfile } from "../config/load.js";
import type { ProbeModule } from "./format-probe.js";
import { type HealthCredentialOptions, loginStep, resolveHealthCredentials } from "./login.js";
import type { HealthDeps, HealthTarget, PreparedHealth } from "./run.js";

export class UnknownTargetError extends Error {}

/** health serve's credential options, for the targets /probe prepares itself. */
export type TargetOptions = HealthCredentialOptions;

export class TargetCatalog {
  private readonly ready = new Map<string, Promise<HealthTarget>>();

  constructor(
    private readonly deps: HealthDeps,
    private readonly prepared: PreparedHealth,
    private readonly opts: TargetOptions,
  ) {}

  /** Resolves the profile (and for module login, its credentials) once; failures are not kept. */
  target(name: string, module: ProbeModule): Promise<HealthTarget> {
    const key = `${module}\0${name}`;
    let found = this.ready.get(key);
    if (!found) {
      found = this.prepare(name, module);
      this.ready.set(key, found);
      found.catch(() => this.ready.delete(key));
    }
    return found;
  }

  private async prepare(name: string, module: ProbeModule): Promise<HealthTarget> {
    const started = this.prepared.targets.find((t) => t.profile.name === name);
    if (started && (module === "login") === (started.login !== undefined)) return started;
    let profile = started?.profile;
    if (!profile) {
      if (this.deps.globals.sandbox) throw new UnknownTargetError(`Unknown target "${name}"`);
      const config = await this.deps.config();
      if (!Object.hasOwn(config.data.profiles ?? {}, name)) {
        throw new UnknownTargetError(`Unknown target "${name}"`);
      }
      profile = resolveProfile(config, {
        flag: name,
        env: this.deps.env,
        timeoutMs: this.deps.globals.timeout,
      });
      requireApiProfile(profile);
    }
    const target: HealthTarget = { profile, timeoutMs: profile.timeoutMs };
    if (module === "login") {
      const credentials = await resolveHealthCredentials(this.deps, profile, this.opts);
      target.login = loginStep(this.deps, profile, credentials);
    }
    return target;
  }
}
