// `rxportal contacts`: whom to call.
import { filterContacts, parseEnrollee, parseTopic, telUri } from "../contacts/filter.js";
import type { Contact, ContactsDirectory } from "../contacts/types.js";
import type { AppContext } from "../context.js";
import { printJson, printLine } from "../ui/output.js";
import type { Style } from "../ui/style.js";
import type { CommandResult } from "./kit.js";

export interface ContactsOptions {
  enrollee?: string;
  topic?: string;
  tty?: boolean;
}

export async function contactsCommand(ctx: AppContext, opts: ContactsOptions): Promise<CommandResult> {
  const filter = {
    enrollee: opts.enrollee === undefined ? undefined : parseEnrollee(opts.enrollee),
    topic: opts.topic === undefined ? undefined : parseTopic(opts.topic),
    tty: opts.tty,
  };
  const directory = (await ctx.profile()).contacts;
  const found = filterContacts(directory.contacts, filter);
  if (ctx.globals.json) {
    printJson(ctx, {
      advice: directory.advice,
      filter,
      contacts: found.map((c) => ({ ...c, tel: telUri(c.phone), ttyTel: c.tty ? telUri(c.tty) : undefined })),
    });
    return;
  }
  // chalk loads only for people, not for --json.
  const { createStyle } = await import("../ui/style.js");
  printLine(ctx, renderContacts(directory, found, createStyle(ctx), Boolean(opts.tty)));
}

export function renderContacts(
  directory: ContactsDirectory,
  found: Contact[],
  style: Style,
  ttyFirst: boolean,
): string {
  const lines = [directory.advice, ""];
  if (found.length === 0) {
    lines.push("No line matches those filters. Run `rxportal contacts` without filters to see every line.");
    return lines.join("\n");
  }
  for (const c of found) {
    lines.push(style.color.bold(c.name));
    lines.push(`  ${c.purpose}`);
    const phone = `  Phone: ${c.phone}`;
    const tty = c.tty ? `  TTY: ${c.tty}` : undefined;
    if (ttyFirst && tty) lines.push(tty, phone);
    else lines.push(phone, ...(tty ? [tty] : []));
    lines.push(`  Hours: ${c.hours ?? "not published; call to check"}`);
    lines.push("");
  }
  return lines.join("\n").trimEnd();
}
