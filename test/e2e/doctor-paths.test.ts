// End to end: every path issue 12 added to the built-in tree, walked by the built binary with
// `--answer` pairs, reaches the intended end and prints the number the member should call (with
// its TTY line and hours where the line has them), and not the lines of another plan.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstLine, runCli, startCli, tempHome } from "../helpers/spawn.js";

const WEB = "(800) 711-5672";
const PHARMACY = "(800) 282-2881, TTY (800) 759-1089 (24 hours a day, 7 days a week)";
const MEDICARE = "(866) 529-4917, TTY (800) 899-2114 (24 hours a day, 7 days a week)";
const TRICARE = "(877) 363-1303, TTY (877) 540-6261 (24 hours a day, 7 days a week)";
const REGISTRATION = "(866) 685-2792";
const REGISTRATION_MEDICARE = "(888) 416-3326";

interface Doc {
  path: string[];
  recommendation: { node: string; title: string; remedy: string[] };
  contacts: { id?: string; name: string; phone: string; tty?: string }[];
}

interface Path {
  /** What the member picks, in order, as `id=value`. */
  answers: string[];
  end: string;
  title: string;
  /** The "Whom to call" lines, in order: each must contain its text. */
  calls: string[];
  /** Numbers that must not be shown (other plans' lines). */
  absent?: string[];
  /** Text the remedy must contain. */
  remedy?: RegExp[];
}

const paths: Record<string, Path> = {
  "reset: a new password still refused ends with web support and what to have ready": {
    answers: ["start=reset", "reset=still-refused"],
    end: "end-reset-refused",
    title: "The new password is still refused",
    calls: [`Website and online account technical support: ${WEB}`],
    remedy: [/Call web support, \(800\) 711-5672/, /member ID or a prescription number/, /screenshot/],
  },
  "reset: details not accepted, enter them exactly as registered": {
    answers: ["start=reset", "reset=details"],
    end: "end-reset-details-refused",
    title: "Enter your details exactly as you registered them",
    calls: [`Website and online account technical support: ${WEB}`],
    remedy: [/exactly as they were when you registered/],
  },
  "reset: a browser or app glitch during the reset, with the public computer warning": {
    answers: ["start=reset", "reset=glitch"],
    end: "end-reset-glitch",
    title: "The reset page or app is misbehaving",
    calls: [`Website and online account technical support: ${WEB}`],
    remedy: [/private window or another browser/, /not a public computer or public Wi-Fi/],
  },
  "fraud (Medicare): the Medicare line first, never read a code to a caller": {
    answers: ["start=fraud", "fraud-plan=medicare"],
    end: "end-fraud",
    title: "Someone else may be using your account",
    calls: [`Medicare members: ${MEDICARE}`, `Pharmacy and member services: ${PHARMACY}`],
    absent: ["(877) 363-1303"],
    remedy: [
      /from your own device on a network you trust/,
      /Sign out on every device/,
      /fraud or privacy team/,
      /Never read a sign-in code to someone who calls you/,
    ],
  },
  "fraud (TRICARE): the TRICARE line only": {
    answers: ["start=fraud", "fraud-plan=tricare"],
    end: "end-fraud",
    title: "Someone else may be using your account",
    calls: [`TRICARE beneficiary customer service and technical support: ${TRICARE}`],
    absent: ["(866) 529-4917", "(800) 282-2881"],
  },
  "fraud (employer plan): the pharmacy and member services line": {
    answers: ["start=fraud", "fraud-plan=commercial"],
    end: "end-fraud",
    title: "Someone else may be using your account",
    calls: [`Pharmacy and member services: ${PHARMACY}`],
    absent: ["(866) 529-4917", "(877) 363-1303"],
  },
  "fraud (plan unknown): every plan's line, TRICARE last": {
    answers: ["start=fraud", "fraud-plan=unsure"],
    end: "end-fraud",
    title: "Someone else may be using your account",
    calls: [
      `Pharmacy and member services: ${PHARMACY}`,
      `Medicare members: ${MEDICARE}`,
      `TRICARE beneficiary customer service and technical support: ${TRICARE}`,
    ],
  },
  "register (employer plan): the non-Medicare registration line and `rxportal register`": {
    answers: ["start=register", "register-plan=commercial"],
    end: "end-register",
    title: "Create your online account, with your ID card at hand",
    calls: [`Registration help (non-Medicare members): ${REGISTRATION}`],
    absent: [REGISTRATION_MEDICARE, "(877) 363-1303"],
    remedy: [/member ID card/, /Social Security number/, /recent prescriptions/, /`rxportal register`/],
  },
  "register (Medicare): the Medicare registration line": {
    answers: ["start=register", "register-plan=medicare"],
    end: "end-register",
    title: "Create your online account, with your ID card at hand",
    calls: [
      `Registration help (Medicare members): ${REGISTRATION_MEDICARE}`,
      `Medicare members: ${MEDICARE}`,
    ],
    absent: [REGISTRATION, "(877) 363-1303"],
  },
  "register (TRICARE): the TRICARE line, which also helps with accounts": {
    answers: ["start=register", "register-plan=tricare"],
    end: "end-register",
    title: "Create your online account, with your ID card at hand",
    calls: [`TRICARE beneficiary customer service and technical support: ${TRICARE}`],
    absent: [REGISTRATION, REGISTRATION_MEDICARE],
  },
  "register (plan unknown): both registration lines, TRICARE last": {
    answers: ["start=register", "register-plan=unsure"],
    end: "end-register",
    title: "Create your online account, with your ID card at hand",
    calls: [
      `Registration help (non-Medicare members): ${REGISTRATION}`,
      `Registration help (Medicare members): ${REGISTRATION_MEDICARE}`,
      `TRICARE beneficiary customer service and technical support: ${TRICARE}`,
    ],
  },
  "web: it fails on every device and network, so the problem is not local": {
    answers: ["start=page", "web-elsewhere=no"],
    end: "end-fails-everywhere",
    title: "It fails on every device and network",
    calls: [`Website and online account technical support: ${WEB}`, "TRICARE"],
    remedy: [/`rxportal status`/],
  },
  "web: a VPN or privacy extension breaks a page that does load": {
    answers: ["start=page", "web-elsewhere=yes", "web-blockers=yes"],
    end: "end-vpn-extension",
    title: "A VPN or blocking extension may break the page",
    calls: [`Website and online account technical support: ${WEB}`],
    remedy: [/not the same as a proxy that cannot be reached/],
  },
  "web: a local problem goes on to the browser steps, which name web support": {
    answers: ["start=page", "web-elsewhere=untried", "web-blockers=no", "browser=chrome"],
    end: "end-browser-chrome",
    title: "Reset Chrome for the portal",
    calls: [`Website and online account technical support: ${WEB}`],
    remedy: [/call web support/],
  },
  "lockout: waiting for the lock to end still names web support": {
    answers: ["start=locked", "username=pat.sample", "lockout-someone=no", "lockout-choice=wait"],
    end: "end-lockout-wait",
    title: "Wait until the lock ends",
    calls: [`Website and online account technical support: ${WEB}`],
  },
  "support: \"I don't know\" leads with the ID card's number and web support, not TRICARE": {
    answers: ["start=other", "support=unsure"],
    end: "support-unsure",
    title: "Call the number on your ID card, or web support",
    calls: [`Website and online account technical support: ${WEB}`, "TRICARE"],
    remedy: [/back of your member ID card/, /Website and sign-in problems: web support, \(800\) 711-5672/],
  },
  "support (TRICARE): the caregiver, and what to have ready": {
    answers: ["start=other", "support=tricare"],
    end: "support-tricare",
    title: "Call TRICARE support, with this ready",
    calls: [`TRICARE beneficiary customer service and technical support: ${TRICARE}`],
    remedy: [/caregiver/, /or a prescription number/, /no password shows in it/],
  },
};

function configHome(baseUrl: string): string {
  const home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  writeFileSync(
    join(home, ".config", "rxportal", "config.yaml"),
    `defaultProfile: local\nprofiles:\n  local:\n    baseUrl: ${baseUrl}\n    timeoutMs: 4000\n`,
  );
  return home;
}

const answer = (pairs: string[]) => pairs.flatMap((pair) => ["--answer", pair]);

/** The "Whom to call:" section of the human output, one line per contact (the advice skipped). */
function whomToCall(stdout: string): string[] {
  const at = stdout.indexOf("Whom to call:");
  if (at < 0) return [];
  const lines = stdout.slice(at).split("\n").slice(1);
  const end = lines.findIndex((l) => !l.startsWith("  "));
  const block = end < 0 ? lines : lines.slice(0, end);
  return block.map((l) => l.trim()).filter((l) => !l.startsWith("The fastest way"));
}

function checkHuman(stdout: string, path: Path): void {
  expect(stdout).toContain(`Diagnosis: ${path.title}`);
  const calls = whomToCall(stdout);
  expect(calls.length, stdout).toBeGreaterThanOrEqual(path.calls.length);
  path.calls.forEach((text, i) => {
    expect(calls[i], `line ${i + 1} of "Whom to call"`).toContain(text);
  });
  // The directory's advice names the number on the ID card first of all.
  expect(stdout).toMatch(/Whom to call:\n {2}The fastest way .* back of your member ID card/);
  for (const number of path.absent ?? []) expect(stdout).not.toContain(number);
  for (const text of path.remedy ?? []) expect(stdout).toMatch(text);
}

describe("rxportal doctor: the paths of issue 12, against a standalone sandbox", () => {
  let sandbox: ReturnType<typeof startCli>;
  let baseUrl: string;

  beforeAll(async () => {
    sandbox = startCli(["sandbox", "--port", "0"]);
    baseUrl = await firstLine(sandbox);
  });
  afterAll(() => {
    sandbox.kill("SIGKILL");
  });

  for (const [name, path] of Object.entries(paths)) {
    it(name, async () => {
      const home = configHome(baseUrl);
      const [human, json] = await Promise.all([
        runCli(["doctor", ...answer(path.answers)], { home }),
        runCli(["doctor", ...answer(path.answers), "--json"], { home }),
      ]);
      expect(human.code, human.stderr).toBe(0);
      checkHuman(human.stdout, path);
      expect(json.code, json.stderr).toBe(0);
      const doc = JSON.parse(json.stdout) as Doc;
      expect(doc.recommendation.node).toBe(path.end);
      expect(doc.path.at(-1)).toBe(path.end);
    });
  }

  it("app: it fails everywhere (checked after the app version) is not a problem of this phone", async () => {
    const status = (await (await fetch(`${baseUrl}/status`)).json()) as {
      apps: { ios: { minimum: string } };
    };
    const pairs = [
      "start=app",
      "app-platform=ios",
      `app-version=${status.apps.ios.minimum}`,
      "app-elsewhere=no",
    ];
    const home = configHome(baseUrl);
    const [human, json] = await Promise.all([
      runCli(["doctor", ...answer(pairs)], { home }),
      runCli(["doctor", ...answer(pairs), "--json"], { home }),
    ]);
    expect(human.code, human.stderr).toBe(0);
    checkHuman(
      human.stdout,
      paths["web: it fails on every device and network, so the problem is not local"] as Path,
    );
    const doc = JSON.parse(json.stdout) as Doc;
    expect(doc.path).toEqual(["start", "app", "app-elsewhere", "end-fails-everywhere"]);
  });

  it("app: the website instead names web support, the app cache and preferences only on the website", async () => {
    const status = (await (await fetch(`${baseUrl}/status`)).json()) as {
      apps: { android: { minimum: string } };
    };
    const pairs = [
      "start=app",
      "app-platform=android",
      `app-version=${status.apps.android.minimum}`,
      "app-elsewhere=yes",
      "app-storage=no",
      "app-system-error=yes",
    ];
    const r = await runCli(["doctor", ...answer(pairs)], { home: configHome(baseUrl) });
    expect(r.code, r.stderr).toBe(0);
    checkHuman(r.stdout, {
      answers: pairs,
      end: "end-app-try-website",
      title: "Try the website instead",
      calls: [`Website and online account technical support: ${WEB}`],
      remedy: [/clear the app's cache/, /communication preferences, can be changed only on the website/],
    });
  });
});

describe("rxportal doctor: the outage end (embedded sandbox with a maintenance page)", () => {
  it("names the pharmacy line for every plan and `id-card --offline`", async () => {
    const args = ["doctor", "--sandbox", "--sandbox-fault", "maintenance:120", "--answer", "start=page"];
    const [human, json] = await Promise.all([runCli(args), runCli([...args, "--json"])]);
    expect(human.code, human.stderr).toBe(0);
    checkHuman(human.stdout, {
      answers: [],
      end: "end-outage",
      title: "The portal has a problem on its side",
      calls: [
        `Pharmacy and member services: ${PHARMACY}`,
        `Medicare members: ${MEDICARE}`,
        `TRICARE beneficiary customer service and technical support: ${TRICARE}`,
      ],
      remedy: [/`rxportal id-card --offline`/],
    });
    expect((JSON.parse(json.stdout) as Doc).recommendation.node).toBe("end-outage");
  });
});

describe("rxportal doctor: the reset success end", () => {
  it("asks to confirm the new password in a private window", async () => {
    const pairs = [
      "start=rejected",
      "credentials=yes",
      "cred-caps=no",
      "cred-password=no",
      "reset-worked=yes",
    ];
    const r = await runCli(["doctor", "--sandbox", ...answer(pairs)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Diagnosis: You are back in");
    expect(r.stdout).toMatch(/1\. Confirm it once in a private or incognito window/);
  });
});

describe("rxportal contacts --enrollee medicare", () => {
  it("lists the pharmacy line, which serves Medicare members too, beside the Medicare line", async () => {
    const r = await runCli(["contacts", "--enrollee", "medicare", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { contacts: { id: string; phone: string; tty?: string }[] };
    const ids = doc.contacts.map((c) => c.id);
    expect(ids).toContain("pharmacy");
    expect(ids).toContain("medicare");
    expect(doc.contacts.find((c) => c.id === "pharmacy")).toMatchObject({
      phone: "(800) 282-2881",
      tty: "(800) 759-1089",
    });
    expect(ids).not.toContain("tricare");
  });
});
