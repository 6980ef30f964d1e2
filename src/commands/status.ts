// `rxportal status`: the portal's own account of its health.
import { CLOCK_SKEW_WARN_SECONDS } from "../clock.js";
import type { AppContext } from "../context.js";
import { ExitCode } from "../errors.js";
import type { ReadProblem } from "../portal/lenient.js";
import type { PortalStatus } from "../portal/schemas.js";
import { formatDuration, formatLocalTime, note, printable, printJson, printLine } from "../ui/output.js";
import { componentLabel, isKnownState, stateWords } from "../ui/service-state.js";
import type { Style } from "../ui/style.js";
import { renderTable } from "../ui/table.js";
import type { CommandResult } from "./kit.js";
import { noteProblems } from "./member/shared.js";

export interface StatusReport extends Omit<PortalStatus, "problems"> {
  profile: string;
  /** Our clock minus the portal's, in whole seconds. */
  clockSkewSeconds: number;
  /** The state in words; a state rxportal does not know is named as sent. */
  statusText: string;
  /** Components the portal listed that could not be read. */
  problems: ReadProblem[];
}

export async function getStatusReport(ctx: AppContext): Promise<StatusReport> {
  const [profile, portal] = await Promise.all([ctx.profile(), ctx.portal()]);
  const { problems, ...status } = await portal.getStatus();
  const requestId = portal.lastRequestId;
  const skew = Math.round((ctx.clock.now() - Date.parse(status.serverTime)) / 1000);
  return {
    ...status,
    statusText: stateWords(status.status),
    profile: profile.name,
    clockSkewSeconds: skew,
    problems: (problems ?? []).map((p) => ({ ...p, ...(requestId ? { requestId } : {}) })),
  };
}

/**
 * Maintenance and outage are "unavailable" for scripts (exit 69); degraded still works. A state
 * rxportal does not know is not claimed to be an outage: exit 0, with a note.
 */
export function statusExitCode(state: string): number {
  return state === "maintenance" || state === "outage" ? ExitCode.unavailable : ExitCode.ok;
}

export async function statusCommand(ctx: AppContext): Promise<CommandResult> {
  const report = await getStatusReport(ctx);
  if (ctx.globals.json) {
    printJson(ctx, report);
  } else {
    // Colours (chalk) only for people at a terminal: --json output and pipes load none of it.
    const { loadStyle } = await import("../ui/style-level.js");
    printLine(ctx, await renderStatus(report, await loadStyle(ctx)));
  }
  noteProblems(ctx, report.problems, "component");
  const code = statusExitCode(report.status);
  if (code !== ExitCode.ok) {
    note(ctx, `rxportal: the portal reports "${report.status}"; sign-in may not work until it recovers.`);
  } else if (!isKnownState(report.status)) {
    note(
      ctx,
      `rxportal: the portal reports a state rxportal does not know (${printable(report.status).slice(0, 64)}); its own status page may say more.`,
    );
  }
  return code;
}

function paint(style: Style, state: string, text: string): string {
  if (state === "operational") return style.color.green(text);
  if (state === "degraded" || !isKnownState(state)) return style.color.yellow(text);
  return style.color.red(text);
}

export async function renderStatus(report: StatusReport, style: Style): Promise<string> {
  const lines: string[] = [];
  lines.push(`Portal (${report.profile}): ${paint(style, report.status, stateWords(report.status))}`);
  if (report.message) lines.push(`Message: ${printable(report.message)}`);
  if (report.maintenance) {
    const { start, end, message } = report.maintenance;
    lines.push(
      `Maintenance window: ${formatLocalTime(new Date(start))} to ${formatLocalTime(new Date(end))}${message ? ` (${printable(message)})` : ""}`,
    );
  }
  lines.push(
    await renderTable(
      style,
      ["Service", "State"],
      report.components.map((c) => [
        componentLabel(c.name),
        paint(style, c.status, isKnownState(c.status) ? c.status : stateWords(c.status)),
      ]),
    ),
  );
  lines.push(
    `Mobile app: iPhone needs ${printable(report.apps.ios.minimum)} or later (latest ${printable(report.apps.ios.latest)}); ` +
      `Android needs ${printable(report.apps.android.minimum)} or later (latest ${printable(report.apps.android.latest)}).`,
  );
  const skew = report.clockSkewSeconds;
  if (Math.abs(skew) >= CLOCK_SKEW_WARN_SECONDS) {
    lines.push(
      style.color.yellow(
        `Your clock is ${formatDuration(Math.abs(skew))} ${skew > 0 ? "ahead of" : "behind"} the portal's; ` +
          "set it to update automatically, or sign-in codes may be refused.",
      ),
    );
  }
  return lines.join("\n");
}
