// Every command of rxportal, as data: name, summary, help text and examples, arguments, options,
// and a lazy handler (and flag schema) that loads only when the command runs. src/main.ts runs a
// well-formed command line straight from it (src/commands/direct.ts) and builds commander from it
// for every other (src/commands/program.ts, build.ts); the groups' entries are in <noun>/spec.ts.
// In the order the top-level help lists them: the main job comes first.
import { keychain, login, logout, whoami } from "./auth/spec.js";
import { config, profiles } from "./config/spec.js";
import { doctor } from "./doctor/spec.js";
import { health } from "./health/spec.js";
import type { CommandSpec, ProgramSpec } from "./kit.js";
import { autoRefill, idCard, kit, orders } from "./member/spec.js";
import { reset, username } from "./recovery/spec.js";
import { refill } from "./refill/spec.js";
import { register } from "./register/spec.js";
import { checkLink, tree } from "./tree/spec.js";

export const program: ProgramSpec = {
  name: "rxportal",
  summary:
    "Get a pharmacy-benefit member back into their portal account: guided diagnosis with live checks, sign-in, recovery, refills, the ID card, portal status and whom to call.",
  version: { flags: "-V, --version", description: "print the version" },
  options: [
    { flags: "--profile <name>", description: "portal profile to use (or RXPORTAL_PROFILE)" },
    {
      flags: "--config <file>",
      description: "config file (default: the platform config dir, or RXPORTAL_CONFIG)",
    },
    {
      flags: "--sandbox",
      description: "start the bundled sandbox portal in-process on 127.0.0.1 and use it",
    },
    {
      flags: "--oidc",
      description:
        "with --sandbox: sign in through a real OpenID Provider started beside it (its demo member approves by itself)",
    },
    {
      flags: "--sandbox-fault <spec>",
      description: "with --sandbox: inject a fault, e.g. maintenance:120 (repeatable)",
      repeatable: true,
      hidden: true,
    },
    { flags: "--json", description: "print one JSON document on stdout and nothing else there" },
    {
      flags: "--plain",
      description: "no spinners, colours or box drawing; questions as numbered lines (screen readers, logs)",
    },
    { flags: "--no-color", description: "no colour (also NO_COLOR=1)" },
    {
      flags: "--lang <lang>",
      description: "en or es (also RXPORTAL_LANG, or a Spanish LANG/LC_ALL locale); --help stays English",
    },
    {
      flags: "--verbose",
      description: "HTTP trace on stderr with every secret redacted (also RXPORTAL_DEBUG=1)",
    },
    {
      flags: "--timeout <ms>",
      description: "the whole command's time budget in milliseconds, retries and follow-up requests included",
    },
  ],
  examples: [
    "rxportal doctor",
    "rxportal doctor --sandbox",
    "rxportal status --sandbox",
    "rxportal contacts --enrollee medicare --tty",
    "rxportal --profile acme status --json",
  ],
  flags: () => import("./flags.js").then((f) => f.globalFlags),
};

const status: CommandSpec = {
  name: "status",
  summary: "the portal's service status: components, maintenance window, minimum app versions",
  examples: ["rxportal status", "rxportal status --sandbox --json"],
  notes: `Exit status: 0 when the portal is operational or degraded, 69 when it is in maintenance or down,
or cannot be reached.
`,
  handler: () => import("./status.js").then((m) => (ctx) => m.statusCommand(ctx)),
};

const contacts: CommandSpec = {
  name: "contacts",
  summary: "whom to call, by enrollee type and topic, with TTY lines and hours",
  options: [
    { flags: "--enrollee <type>", description: "commercial, medicare or tricare" },
    {
      flags: "--topic <topic>",
      description: "prescriptions, benefits, registration, website (sign-in), security",
    },
    {
      flags: "--tty",
      description: "only lines with a TTY number, for Deaf, hard-of-hearing or speech-disabled callers",
    },
  ],
  examples: [
    "rxportal contacts",
    "rxportal contacts --enrollee tricare --topic sign-in",
    "rxportal contacts --tty --json",
  ],
  lightFlags:
    "contacts must start as fast as --help, and loading zod costs about a third of its start-up: --enrollee and --topic are checked by src/contacts/filter.ts (one line, exit 64), and its other option is a switch",
  handler: () =>
    import("./contacts.js").then(
      (m) =>
        (ctx, { opts }) =>
          m.contactsCommand(ctx, opts),
    ),
};

const sandbox: CommandSpec = {
  name: "sandbox",
  summary: "run the bundled sandbox portal as a server (for demos, tests and training)",
  options: [
    { flags: "--host <host>", description: "address to listen on", default: "127.0.0.1" },
    { flags: "--port <n>", description: "port to listen on (0 picks a free one)", default: 8787 },
    {
      flags: "--fault <spec>",
      description: "inject a fault: latency:300, status:500@/auth/login, maintenance:120, ... (repeatable)",
      repeatable: true,
    },
    { flags: "--seed <file>", description: "add members, prescriptions and orders from a JSON or YAML file" },
    {
      flags: "--oidc",
      description: "also start a real OpenID Provider beside it, whose access tokens the sandbox accepts",
    },
  ],
  examples: [
    "rxportal sandbox",
    "rxportal sandbox --oidc",
    "rxportal sandbox --port 0 --fault maintenance:120",
    "rxportal sandbox --fault latency:300@/status",
  ],
  notes: `Fault specs: kind[:value][@path][#count]; kinds: latency, status, maintenance, malformed, truncated, reset, hang.
Seed file: {"members": [...], "prescriptions": [...], "orders": [...]}, each entry shaped as in
fixtures/sandbox/seed.json; a prescription or order goes to the family its memberId names.
The control surface (outbox of sent codes, faults, state reset) is under /_sandbox, loopback only.
`,
  flags: () => import("./flags.js").then((f) => f.sandboxFlags),
  handler: () =>
    import("./sandbox.js").then(
      (m) =>
        (ctx, { opts }) =>
          m.sandboxCommand(ctx, opts as Parameters<typeof m.sandboxCommand>[1]),
    ),
};

export const commands: readonly CommandSpec[] = [
  doctor,
  status,
  contacts,
  config,
  profiles,
  sandbox,
  login,
  logout,
  whoami,
  register,
  keychain,
  orders,
  autoRefill,
  idCard,
  kit,
  username,
  reset,
  refill,
  tree,
  checkLink,
  health,
];
