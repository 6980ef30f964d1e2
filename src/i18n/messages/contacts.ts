// `rxportal contacts` and the doctor's "whom to call", in English and Spanish: the headings of a
// listing, and the built-in directory's own words (src/contacts/builtin.ts), looked up by their
// English text so that a help desk's own directory (a config profile's) is shown as written.
import { catalog } from "../catalog.js";
import type { Lang } from "../lang.js";

export const contactsText = catalog(
  {
    phone: "Phone",
    tty: "TTY",
    hours: "Hours",
    hoursNotPublished: "not published; call to check",
    spanish: "Spanish",
    // No public source says which lines answer in Spanish: rxportal says so rather than guess.
    spanishNotPublished: "not published",
    noMatch: "No line matches those filters. Run `rxportal contacts` without filters to see every line.",
  },
  {
    phone: "Teléfono",
    // The word on US phone directories in Spanish too (a text telephone line).
    tty: "TTY",
    hours: "Horario",
    hoursNotPublished: "no publicado; llame para confirmarlo",
    spanish: "Español",
    spanishNotPublished: "no publicado",
    noMatch:
      "Ninguna línea coincide con esos filtros. Use `rxportal contacts` sin filtros para ver todas las líneas.",
  },
);

/** The built-in directory's sentences, English (as in src/contacts/builtin.ts) then Spanish. */
export const builtinWords = catalog(
  {
    advice:
      "The fastest way to reach the right team is the phone number printed on the back of your member ID card. Use the lines below if you do not have the card at hand.",
    allDay: "24 hours a day, 7 days a week",
    pharmacyName: "Pharmacy and member services",
    pharmacyPurpose:
      "Questions about your prescription benefit, prescriptions filled by the home-delivery pharmacy (for Medicare members too), orders and general questions.",
    medicareName: "Medicare members",
    medicarePurpose: "Help with Medicare prescription benefits, prescriptions and orders.",
    tricareName: "TRICARE beneficiary customer service and technical support",
    tricarePurpose:
      "TRICARE pharmacy benefits, online account and sign-in problems, and for anyone who would rather not give personal details online.",
    webName: "Website and online account technical support",
    webPurpose:
      "Sign-in, password reset, verification codes that never arrive, and other problems with the website or app.",
    registrationName: "Registration help (non-Medicare members)",
    registrationPurpose: "Help creating an online account if you are not a Medicare member.",
    registrationMedicareName: "Registration help (Medicare members)",
    registrationMedicarePurpose: "Help creating an online account if you are a Medicare member.",
  },
  {
    advice:
      "La forma más rápida de llegar al equipo correcto es llamar al teléfono impreso en el reverso de su tarjeta de identificación de miembro. Si no tiene la tarjeta a mano, use estas líneas.",
    allDay: "las 24 horas, los 7 días de la semana",
    pharmacyName: "Farmacia y servicios para miembros",
    pharmacyPurpose:
      "Preguntas sobre sus beneficios de medicamentos recetados, las recetas que surte la farmacia de envío a domicilio (también para miembros de Medicare), pedidos y preguntas generales.",
    medicareName: "Miembros de Medicare",
    medicarePurpose:
      "Ayuda con los beneficios de medicamentos recetados de Medicare, las recetas y los pedidos.",
    tricareName: "Servicio al cliente y soporte técnico para beneficiarios de TRICARE",
    tricarePurpose:
      "Beneficios de farmacia de TRICARE, problemas con la cuenta en línea y para iniciar sesión, y para quien prefiera no dar sus datos personales en línea.",
    webName: "Soporte técnico del sitio web y de la cuenta en línea",
    webPurpose:
      "Inicio de sesión, restablecimiento de contraseña, códigos de verificación que no llegan y otros problemas con el sitio web o la aplicación.",
    registrationName: "Ayuda para registrarse (miembros que no son de Medicare)",
    registrationPurpose: "Ayuda para crear una cuenta en línea si usted no es miembro de Medicare.",
    registrationMedicareName: "Ayuda para registrarse (miembros de Medicare)",
    registrationMedicarePurpose: "Ayuda para crear una cuenta en línea si usted es miembro de Medicare.",
  },
);

let spanishOf: Map<string, string> | undefined;

/**
 * A sentence of the built-in directory in `lang`; any other text (a help desk's own directory)
 * as it is written.
 */
export function directoryWords(lang: Lang, text: string): string {
  if (lang === "en") return text;
  if (!spanishOf) {
    spanishOf = new Map();
    for (const key of Object.keys(builtinWords.en) as (keyof typeof builtinWords.en)[]) {
      spanishOf.set(builtinWords.en[key], builtinWords.es[key]);
    }
  }
  return spanishOf.get(text) ?? text;
}
