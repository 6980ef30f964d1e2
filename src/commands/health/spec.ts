// health and health serve: the table's entries (src/commands/table.ts).
//
// health follows the monitoring-plugin convention for its exit status (0 OK, 1 WARNING,
// 2 CRITICAL, 3 UNKNOWN); main.ts maps its usage and configuration errors to 3.
import type { CommandSpec, OptionSpec } from "../kit.js";

// Kept here rather than imported from shared.ts so --help does not load that module.
const formats = ["human", "json", "prometheus", "nagios"] as const;

const probeOptions: readonly OptionSpec[] = [
  { flags: "--login", description: "also sign in (TOTP from RXPORTAL_TOTP_SECRET), read /me and sign out" },
  {
    flags: "--username <u>",
    description: "with --login: the monitoring account (default: the profile's username)",
  },
  {
    flags: "--password-file <file>",
    description: "with --login: a file (mode 0600) whose first line is the password",
  },
  {
    flags: "--refresh-token-file <file>",
    description:
      "with --login on an OIDC profile: a file (mode 0600) holding the monitoring account's refresh token",
  },
  {
    flags: "--client-secret-file <file>",
    description:
      "with --login on an OIDC profile with auth.monitor: a file (mode 0600) holding the monitoring client's secret",
  },
  { flags: "--all", description: "probe every profile in the config file, in parallel" },
  {
    flags: "--concurrency <n>",
    description: "at most this many probes at once; the others wait their turn (default 16)",
  },
  {
    flags: "--warn-ms <ms>",
    description:
      "WARNING above this: total ms, or per phase as tls=500 (repeatable; phases dns, connect, tls, status, login, me, logout; OIDC: discovery, jwks, token)",
    repeatable: true,
  },
  {
    flags: "--crit-ms <ms>",
    description: "CRITICAL above this: total ms, or per phase as login=3000 (repeatable)",
    repeatable: true,
  },
  {
    flags: "--cert-warn-days <n>",
    description: "WARNING when the certificate expires in fewer days (default 14)",
  },
  {
    flags: "--cert-crit-days <n>",
    description: "CRITICAL when the certificate expires in fewer days (default 3)",
  },
];

const serve: CommandSpec = {
  name: "serve",
  summary: "Prometheus exporter: /probe?target=<profile> blackbox-style, and /metrics",
  options: [
    { flags: "--host <host>", description: "address to listen on", default: "127.0.0.1" },
    { flags: "--port <n>", description: "port to listen on (0 picks a free one)", default: 9687 },
    {
      flags: "--min-login-interval <s>",
      description: "with --login: seconds between real sign-ins; scrapes in between reuse the last result",
      default: 300,
    },
    {
      flags: "--web-config-file <file>",
      description:
        "TLS and basic auth for the listener, in the Prometheus exporter-toolkit's web config format (also --web.config.file)",
    },
    {
      flags: "--log-format <format>",
      description: "one line per event on stderr: logfmt (default) or json (also --log.format)",
      choices: ["logfmt", "json"],
    },
    {
      flags: "--log-level <level>",
      description:
        "log events at this level and above: debug (every probe), info (default), warn, error (also --log.level)",
      choices: ["debug", "info", "warn", "error"],
    },
    {
      flags: "--shutdown-grace <s>",
      description: "on SIGTERM or Ctrl-C: seconds scrapes in progress get to finish; past them, 503",
      default: 10,
    },
    { flags: "--web.config.file <file>", description: "as --web-config-file", hidden: true },
    {
      flags: "--log.format <format>",
      description: "as --log-format",
      hidden: true,
      choices: ["logfmt", "json"],
    },
    {
      flags: "--log.level <level>",
      description: "as --log-level",
      hidden: true,
      choices: ["debug", "info", "warn", "error"],
    },
    ...probeOptions,
  ],
  examples: [
    "rxportal health serve --port 9687",
    "rxportal health serve --host 0.0.0.0 --web-config-file web.yml --log-format json",
    "curl 'http://127.0.0.1:9687/probe?target=acme&module=login'",
    "RXPORTAL_PASSWORD=... rxportal health serve --all --login --min-login-interval 600",
  ],
  notes: `Prints the metrics URL on stdout, then serves until Ctrl-C or SIGTERM.
/probe?target=<profile> probes any profile of the config file (module=login, or login=1, signs in
too); a scrape's X-Prometheus-Scrape-Timeout-Seconds bounds the probe. /metrics probes the
profiles given here and adds the exporter's own metrics; /-/healthy answers 200.
SIGTERM stops it gracefully (exit 0): scrapes in progress finish within --shutdown-grace.
Operating many targets, TLS, basic auth and logs: docs/operating.md.
`,
  flags: () => import("./flags.js").then((f) => f.serve),
  handler: () =>
    import("./serve.js").then((m) => async (ctx, { opts, rawArgs }) => {
      const { checkTotpSecret, profilesFromArgs } = await import("./shared.js");
      // commander gives an option that `health` knows to `health`, even after "serve" (the
      // program does not use positional options): the options here are health's and serve's.
      if (opts.login) await checkTotpSecret(ctx);
      const flags = opts as Parameters<typeof m.healthServeCommand>[1];
      return m.healthServeCommand(ctx, { ...flags, profiles: profilesFromArgs(rawArgs) });
    }),
};

export const health: CommandSpec = {
  name: "health",
  summary: "timed login health probe for scripts and monitors (Nagios exit codes)",
  options: [
    ...probeOptions,
    {
      flags: "--format <format>",
      description: "output format (default human; --json is --format json)",
      choices: formats,
    },
  ],
  examples: [
    "rxportal health --sandbox",
    "rxportal health --login --username monitor.totp --format nagios --warn-ms 2000 --crit-ms 5000",
    "rxportal health --all --format prometheus",
    "rxportal health --profile acme --profile beta --crit-ms tls=500 --json",
    "rxportal health serve --port 9687 --login --min-login-interval 300",
  ],
  notes: `Phases: dns, connect, tls (with the certificate's days left), status (GET /status); with --login also
login, me and logout. The password comes from --password-file, RXPORTAL_PASSWORD or the keychain,
never from the command line; a failed sign-in is reported, never retried, and the lockout guard
stops before a monitor could lock the account. On an OIDC profile --login's phases are discovery,
jwks, token and me: the token is a refresh-token grant (--refresh-token-file, RXPORTAL_REFRESH_TOKEN
or the keychain), or with auth.monitor a client credentials grant (--client-secret-file,
RXPORTAL_CLIENT_SECRET or the keychain); a refused grant is sent once, never again.
Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad arguments or configuration).
`,
  flags: () => import("./flags.js").then((f) => f.health),
  handler: () =>
    import("./check.js").then((m) => async (ctx, { opts, rawArgs }) => {
      const { checkTotpSecret, profilesFromArgs } = await import("./shared.js");
      if (opts.login) await checkTotpSecret(ctx);
      return m.healthCommand(ctx, { ...opts, profiles: profilesFromArgs(rawArgs) });
    }),
  commands: [serve],
};
