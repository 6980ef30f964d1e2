// What recovery tells a member, in one place. Every answer reads the same whether or not an
// account matched: the portal never says, and rxportal must not either (no account enumeration).

const SUPPORT = "`rxportal contacts --topic website`";

export const USERNAME_SENT =
  "If an account matches, its username has been sent to the email address on file.";

const CHANNEL: Record<string, { by: string; onFile: string }> = {
  email: { by: "by email ", onFile: "the address on file" },
  sms: { by: "by text message ", onFile: "the phone number on file" },
};

export function resetCodeSent(sent: { channel?: string; destinationHint?: string }): string {
  const channel = sent.channel ? CHANNEL[sent.channel] : undefined;
  const to = sent.destinationHint ?? channel?.onFile ?? "the contact details on file";
  return `If an account matches, a reset code is on its way ${channel?.by ?? ""}to ${to}.`;
}

export function resetCodeRules(ttlMinutes: number | undefined): string {
  const life = ttlMinutes === undefined ? "for a short time" : `for ${ttlMinutes} minutes`;
  return `The code works once, ${life}; asking again cancels every earlier code.`;
}

export const NOTHING_ARRIVED_USERNAME = [
  "Nothing after a few minutes? Check the spam or junk folder; some mail services deliver late.",
  `If the email address on file has changed, try --member-id with --dob instead, or call web support (${SUPPORT}).`,
];

export const NOTHING_ARRIVED_CODE = [
  "Nothing after a few minutes? Check the spam or junk folder; some mail services deliver late.",
  `The code goes only to the email or phone the portal has on file; if that has changed, web support (${SUPPORT}) can update it.`,
  "Then ask again with `rxportal reset request`, and use only the newest code.",
];

export const SECURITY_QUESTIONS = `Asked security questions you cannot answer? Web support (${SUPPORT}) can confirm who you are another way.`;

/** Said before a reset starts: the new password is typed here, so where "here" is matters. */
export const PUBLIC_COMPUTER =
  "Reset only on your own computer or phone and a network you trust: on a public computer or public Wi-Fi, someone could see or capture the new password.";

export const SIGN_IN_AFRESH = "Sign in again with the new password: `rxportal login`.";
