// health serve's log: one line per event on stderr, logfmt or JSON (--log-format), in the shape
// Prometheus's own tools use (time, level, msg, then fields). Events: start (the address) and
// stop, a target going down or coming back, a probe request refused, a scrape that failed, and at
// debug level every probe (target, module, success, duration) and every refused password. The
// fields are names, reasons and numbers; no password, code, token or Authorization header ever
// reaches them (the reasons are rxportal's own one-line messages, which never carry one).

export const LOG_FORMATS = ["logfmt", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, string | number | boolean | undefined>;
export type EventLog = (level: LogLevel, msg: string, fields?: LogFields) => void;

function logfmtValue(value: string): string {
  return /^[^\s"=\\]+$/.test(value) ? value : JSON.stringify(value);
}

export function formatLogLine(
  format: LogFormat,
  time: number,
  level: LogLevel,
  msg: string,
  fields: LogFields = {},
): string {
  const entries: [string, string | number | boolean][] = [
    ["time", new Date(time).toISOString()],
    ["level", level],
    ["msg", msg],
  ];
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) entries.push([k, v]);
  if (format === "json") return `${JSON.stringify(Object.fromEntries(entries))}\n`;
  // One line whatever the message holds: newlines are escaped by the quoting.
  return `${entries.map(([k, v]) => `${k}=${logfmtValue(String(v))}`).join(" ")}\n`;
}

/** A log writing the events at `minLevel` and above (default info) as lines through `write`. */
export function eventLog(
  format: LogFormat,
  write: (line: string) => void,
  now: () => number,
  minLevel: LogLevel = "info",
): EventLog {
  const floor = LOG_LEVELS.indexOf(minLevel);
  return (level, msg, fields) => {
    if (LOG_LEVELS.indexOf(level) >= floor) write(formatLogLine(format, now(), level, msg, fields));
  };
}
