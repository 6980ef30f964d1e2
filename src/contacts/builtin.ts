// The built-in directory. Numbers, TTY lines and hours come from the public help pages in
// shared/seeds/ and shared/facts.md; the wording is ours. Hours are left out where no source
// states them, rather than guessed.
import type { ContactsDirectory } from "./types.js";

const allDay = "24 hours a day, 7 days a week";

export const builtinContacts: ContactsDirectory = {
  advice:
    "The fastest way to reach the right team is the phone number printed on the back of your member ID card. Use the lines below if you do not have the card at hand.",
  contacts: [
    {
      id: "pharmacy",
      name: "Pharmacy and member services",
      purpose:
        "Questions about your prescription benefit, prescriptions filled by the home-delivery pharmacy (for Medicare members too), orders and general questions.",
      phone: "(800) 282-2881",
      tty: "(800) 759-1089",
      hours: allDay,
      enrollees: ["commercial", "medicare"],
      topics: ["prescriptions", "benefits", "security"],
    },
    {
      id: "medicare",
      name: "Medicare members",
      purpose: "Help with Medicare prescription benefits, prescriptions and orders.",
      phone: "(866) 529-4917",
      tty: "(800) 899-2114",
      hours: allDay,
      enrollees: ["medicare"],
      topics: ["prescriptions", "benefits", "security"],
    },
    {
      id: "tricare",
      name: "TRICARE beneficiary customer service and technical support",
      purpose:
        "TRICARE pharmacy benefits, online account and sign-in problems, and for anyone who would rather not give personal details online.",
      phone: "(877) 363-1303",
      tty: "(877) 540-6261",
      hours: allDay,
      enrollees: ["tricare"],
      topics: ["prescriptions", "benefits", "website", "registration", "security"],
    },
    {
      id: "web-support",
      name: "Website and online account technical support",
      purpose:
        "Sign-in, password reset, verification codes that never arrive, and other problems with the website or app.",
      phone: "(800) 711-5672",
      enrollees: ["commercial", "medicare"],
      topics: ["website"],
    },
    {
      id: "registration",
      name: "Registration help (non-Medicare members)",
      purpose: "Help creating an online account if you are not a Medicare member.",
      phone: "(866) 685-2792",
      enrollees: ["commercial"],
      topics: ["registration"],
    },
    {
      id: "registration-medicare",
      name: "Registration help (Medicare members)",
      purpose: "Help creating an online account if you are a Medicare member.",
      phone: "(888) 416-3326",
      enrollees: ["medicare"],
      topics: ["registration"],
    },
  ],
};
