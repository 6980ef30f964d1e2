// `rxportal status`: the portal's own account of its health.
import { CLOCK_SKEW_WARN_SECONDS } from "../clock.js";
import type { AppContext } from "../context.js";
import { ExitCode } from "../errors.js";
import type { PortalStatus, ServiceState } from "../portal/schemas.js";
import { formatDuration, formatLocalTime, note, printJson, printLine } from "../ui/output.js";
import { componentNames, serviceStateWords } from "../ui/service-state.js";
import { createStyle, type Style } from "../ui/style.js";
import { renderTable } from "../ui/table.js";
import type { CommandResult } from "./kit.js";

export interface StatusReport extends PortalStatus {
  profile: string;
  /** Our clock minus the portal's, in whole seconds. */
  clockSkewSeconds: number;
}

export async function getStatusReport(ctx: AppContext): Promise<StatusReport> {
  const [profile, portal] = await Promise.all([ctx.profile(), ctx.portal()]);
  const status = await portal.getStatus();
  const skew = Math.round((ctx.clock.now() - Date.parse(status.serverTime)) / 1000);
  return { ...status, profile: profile.name, clockSkewSeconds: skew };
}

/** Maintenance and outage are "unavailable" for scripts (exit 69); degraded still works. */
export function statusExitCode(state: ServiceState): number {
  return state === "maintenance" || state === "outage" ? ExitCode.unavailable : ExitCode.ok;
}

export async function statusCommand(ctx: AppContext): Promise<CommandResult> {
  const report = await getStatusReport(ctx);
  if (ctx.globals.json) {
    printJson(ctx, report);
  } else {
    printLine(ctx, await renderStatus(report, createStyle(ctx)));
  }
  const code = statusExitCode(report.status);
  if (code !== ExitCode.ok) {
    note(ctx, `rxportal: the portal reports "${report.status}"; sign-in may not work until it recovers.`);
  }
  return code;
}

function paint(style: Style, state: ServiceState, text: string): string {
  if (state === "operational") return style.color.green(text);
  if (state === "degraded") return style.color.yellow(text);
  return style.color.red(text);
}

export async function renderStatus(report: StatusReport, style: Style): Promise<string> {
  const lines: string[] = [];
  lines.push(`Portal (${report.profile}): ${paint(style, report.status, serviceStateWords[report.status])}`);
  if (report.message) lines.push(`Message: ${report.message}`);
  if (report.maintenance) {
    const { start, end, message } = report.maintenance;
    lines.push(
      `Maintenance window: ${formatLocalTime(new Date(start))} to ${formatLocalTime(new Date(end))}${message ? ` (${message})` : ""}`,
    );
  }
  lines.push(
    await renderTable(
      style,
      ["Service", "State"],
      report.components.map((c) => [componentNames[c.name], paint(style, c.status, c.status)]),
    ),
  );
  lines.push(
    `Mobile app: iPhone needs ${report.apps.ios.minimum} or later (latest ${report.apps.ios.latest}); ` +
      `Android needs ${report.apps.android.minimum} or later (latest ${report.apps.android.latest}).`,
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
