// Tables for people: box drawing on a terminal, plain "label: value" lines with --plain or when
// piped, so screen readers and logs get one fact per line.
import type { Style } from "./style.js";

export async function renderTable(style: Style, head: string[], rows: string[][]): Promise<string> {
  if (style.plain) {
    return rows.map((row) => row.map((cell, i) => `${head[i]}: ${cell}`).join("; ")).join("\n");
  }
  const { default: Table } = await import("cli-table3");
  const table = new Table({ head: head.map((h) => style.color.bold(h)), style: { head: [], border: [] } });
  table.push(...rows);
  return table.toString();
}
