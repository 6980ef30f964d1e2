// `rxportal contacts`: whom to call, in the run's language. Whether a line answers in Spanish is
// not in any public source, so each line says "not published" (and `spanish: null` in --json)
// rather than a guess.
import { filterContacts, parseEnrollee, parseTopic, telUri } from "../contacts/filter.js";
import type { Contact, ContactsDirectory } from "../contacts/types.js";
import type { AppContext } from "../context.js";
import { type Lang, resolveLang } from "../i18n/lang.js";
import { contactsText, directoryWords } from "../i18n/messages/contacts.js";
import { printJson, printLine } from "../ui/output.js";
import type { Style } from "../ui/style.js";
import { loadStyle } from "../ui/style-level.js";
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
    // The directory's own words (English), for scripts; `spanish: null`: not published.
    printJson(ctx, {
      advice: directory.advice,
      filter,
      contacts: found.map((c) => ({
        ...c,
        tel: telUri(c.phone),
        ttyTel: c.tty ? telUri(c.tty) : undefined,
        spanish: null,
      })),
    });
    return;
  }
  // chalk loads only for colour (loadStyle), never for --json or a pipe. style-level.ts is small
  // and in contacts' own pack: the text a member reads costs no second file.
  const lang = resolveLang({ flag: ctx.globals.lang, env: ctx.env });
  printLine(ctx, renderContacts(directory, found, await loadStyle(ctx), Boolean(opts.tty), lang));
}

export function renderContacts(
  directory: ContactsDirectory,
  found: Contact[],
  style: Style,
  ttyFirst: boolean,
  lang: Lang = "en",
): string {
  const t = contactsText.in(lang);
  const say = (text: string) => directoryWords(lang, text);
  const lines = [say(directory.advice), ""];
  if (found.length === 0) {
    lines.push(t.noMatch);
    return lines.join("\n");
  }
  for (const c of found) {
    lines.push(style.color.bold(say(c.name)));
    lines.push(`  ${say(c.purpose)}`);
    const phone = `  ${t.phone}: ${c.phone}`;
    const tty = c.tty ? `  ${t.tty}: ${c.tty}` : undefined;
    if (ttyFirst && tty) lines.push(tty, phone);
    else lines.push(phone, ...(tty ? [tty] : []));
    lines.push(`  ${t.hours}: ${c.hours ? say(c.hours) : t.hoursNotPublished}`);
    lines.push(`  ${t.spanish}: ${t.spanishNotPublished}`);
    lines.push("");
  }
  return lines.join("\n").trimEnd();
}
