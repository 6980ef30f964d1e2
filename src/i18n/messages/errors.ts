// The one-line errors a member meets most, in English and Spanish: sign-in refused, account
// locked, not signed in, portal unavailable, and usage errors. The English side reads as the
// messages built where each error is thrown (errors.test.ts compares them); an error carries the
// key and arguments of its message (`said` in src/errors.ts), or is read from its class and code
// (src/i18n/say-error.ts), and src/main.ts prints it in the run's language. Loaded only to print
// an error in Spanish: the English path never imports this file.
import { catalog, plural } from "../catalog.js";
import type { Lang } from "../lang.js";
import { formatSpan, formatTime } from "./common.js";

const or = (lang: Lang, items: readonly string[]) =>
  items.length > 1
    ? `${items.slice(0, -1).join(", ")} ${lang === "es" ? "o" : "or"} ${items.at(-1)}`
    : (items[0] ?? "");

const attemptsEn = (n: number | undefined) =>
  n === undefined ? "" : ` ${n} ${plural("en", n, { one: "attempt", other: "attempts" })} left.`;
const attemptsEs = (n: number | undefined) =>
  n === undefined
    ? ""
    : ` ${plural("es", n, { one: `Le queda ${n} intento.`, other: `Le quedan ${n} intentos.` })}`;
const retryEn = (s: number | undefined) =>
  s === undefined
    ? ""
    : s <= 0
      ? "; it asks to retry right away"
      : `; it asks to retry in ${formatSpan("en", s)}`;
const retryEs = (s: number | undefined) =>
  s === undefined
    ? ""
    : s <= 0
      ? "; pide volver a intentarlo ya"
      : `; pide volver a intentarlo en ${formatSpan("es", s)}`;

/**
 * The reason zod gave for a refused option value (src/commands/flags.ts words it), in Spanish;
 * a reason worded some other way is kept as it is.
 */
function whyEs(why: string): string {
  let m = /^--timeout must be a whole number of milliseconds from 1 to (\d+)\.$/.exec(why);
  if (m) return `--timeout debe ser un número entero de milisegundos, de 1 a ${m[1]}.`;
  m = /^(\S+) must be a (?:whole )?number from (\d+) to (\d+)\.$/.exec(why);
  if (m) return `${m[1]} debe ser un número entero de ${m[2]} a ${m[3]}.`;
  m = /^Allowed choices are (.+)\.$/.exec(why);
  if (m) return `Los valores permitidos son: ${m[1]}.`;
  return why;
}

export const errorText = catalog(
  {
    // --- sign-in -------------------------------------------------------------------------------
    invalidCredentials: (attemptsLeft?: number) =>
      `The portal did not accept that username and password.${attemptsEn(attemptsLeft)}`,
    signInRefusedTries: (safe: number) =>
      `The portal did not accept that username and password. rxportal will allow ${safe} more ${plural("en", safe, { one: "try", other: "tries" })} before it stops to protect the account from locking.`,
    signInRefusedStop: (max: number) =>
      `The portal did not accept that username and password. rxportal will not try again: the portal allows ${max} and one more failure would lock the account.`,
    signInRefusedOnce: (left: number) =>
      `The portal did not accept that username and password. health will not send it again (${left} ${plural("en", left, { one: "attempt is", other: "attempts are" })} left before the account locks).`,
    signInRefusedHint:
      "Check Caps Lock and whether the portal wants your username or your email. Forgot it? `rxportal reset` or `rxportal username recover`.",
    invalidCode: (attemptsLeft?: number) => `The portal did not accept that code.${attemptsEn(attemptsLeft)}`,
    codeExpired: "The sign-in code expired, or too many wrong codes were entered.",
    accountLocked: (until?: Date) =>
      `The account is locked after too many failed sign-ins${until ? ` until ${formatTime("en", until)}` : ""}.`,
    accountLockedHint:
      "Wait until then, or run `rxportal reset`: a password reset also unlocks the account. If you did not make those attempts, call the number in `rxportal contacts --topic security`.",
    lockedUntil: (until: Date) => `The account is locked until ${formatTime("en", until)}.`,
    lockedHint: "Wait until then, or run `rxportal reset` (a password reset also unlocks the account).",
    guardStopped: (failures: number, max: number) =>
      `rxportal stopped this sign-in: ${failures > 0 ? `${failures} ${plural("en", failures, { one: "attempt", other: "attempts" })} in a row failed, and` : "the portal said"} one more wrong password would lock the account (the portal allows ${max}).`,
    guardStoppedHint:
      "Run `rxportal reset` to set a new password, or `rxportal username recover` if the username may be wrong. `--force` tries anyway.",
    passwordExpired: "Your password has expired and must be changed before you can sign in.",
    passwordExpiredHint: "Run `rxportal reset` to set a new one.",
    accountDisabled: "This account is disabled; it cannot be unlocked online.",
    accountDisabledHint: "Call the number on the back of your member ID card, or see `rxportal contacts`.",
    // --- signed in or not ----------------------------------------------------------------------
    notSignedIn: "You are not signed in.",
    notSignedInHint: "Run `rxportal login`, or give --password-stdin, --password-file or RXPORTAL_PASSWORD.",
    signedOut: (username: string, profile: string) => `${username} signed out on ${profile}.`,
    sessionEnded: "Your session has ended.",
    sessionExpired: "The session has expired.",
    unauthorized: "You are not signed in, or the session is no longer valid.",
    loginHint: "Run `rxportal login`.",
    // --- the portal cannot serve ---------------------------------------------------------------
    maintenance: (retryAfterSeconds?: number) =>
      `The portal is down for maintenance (HTTP 503)${retryEn(retryAfterSeconds)}.`,
    serverError: (status: number, retryAfterSeconds?: number) =>
      `The portal failed with a server error (HTTP ${status})${retryEn(retryAfterSeconds)}.`,
    unavailableHint: "Try again later; `rxportal contacts` lists phone numbers if a refill cannot wait.",
    dnsUnknown: (host: string) => `Cannot find the portal's address: ${host} is not known to DNS.`,
    dnsTemporary: (host: string) =>
      `Cannot look up the portal's address ${host} right now (temporary DNS failure).`,
    dnsHint: "Check the network connection and the profile's baseUrl.",
    connectFailed: (hostPort: string, code: string) =>
      `Cannot connect to the portal at ${hostPort} (${code}).`,
    connectHint: "Check the network connection, and any firewall or proxy (HTTPS_PROXY) in the way.",
    tlsFailed: (host: string, code: string) => `Cannot connect securely to ${host} (${code}).`,
    timedOut: "The portal did not answer in time.",
    timeoutHint: "Try again; on a slow connection give it longer with --timeout <ms>.",
    unreachable: (code: string) => `The portal cannot be reached (${code}).`,
    badResponse: (code: string) => `The portal's answer could not be read (${code}).`,
    rateLimited: (retryAfterSeconds?: number) =>
      `The portal is limiting requests${retryEn(retryAfterSeconds)}.`,
    rateLimitedHint: "Wait a few minutes, then try again.",
    // --- the command line ----------------------------------------------------------------------
    unknownOption: (option: string, suggestion?: string) =>
      `unknown option '${option}'${suggestion ? ` (Did you mean ${suggestion}?)` : ""}`,
    unknownCommand: (command: string, suggestion?: string) =>
      `unknown command '${command}'${suggestion ? ` (Did you mean ${suggestion}?)` : ""}; run \`rxportal --help\` to see the commands.`,
    missingArgument: (name: string) => `missing required argument '${name}'`,
    optionMissingArgument: (option: string) => `option '${option}' argument missing`,
    invalidValue: (option: string, value: string, why: string) =>
      `option '${option}' argument '${value}' is invalid. ${why}`,
    tooManyArguments: (command: string) => `too many arguments for '${command}'.`,
    needsCommand: (command: string, subcommands: readonly string[]) =>
      `\`${command}\` needs a command: ${or("en", subcommands)} (see the help above).`,
    needsAnyCommand: "`rxportal` needs a command, e.g. `rxportal doctor` (see the list above).",
    noTerminal: (what: string, pass: string) => `${what}: no terminal to ask on; pass ${pass}.`,
    sandboxFaultNeedsSandbox: "--sandbox-fault needs --sandbox.",
    missingAnswers: (ids: readonly string[]) =>
      `doctor needs more answers to go on: ${ids.join(", ")}. Without a terminal nobody can be asked.`,
    missingAnswersHint: (example: string) => `Pass them in an --answers file or as ${example}.`,
    unknownEnrollee: (value: string, allowed: readonly string[]) =>
      `Unknown enrollee type "${value}": expected one of ${allowed.join(", ")}.`,
    unknownTopic: (value: string, allowed: readonly string[]) =>
      `Unknown topic "${value}": expected one of ${allowed.join(", ")}.`,
    // --- how an error is printed ---------------------------------------------------------------
    interrupted: "interrupted.",
    requestId: (id: string) => `(Request id: ${id})`,
    internalError: "internal error. This is a bug in rxportal; please report it with the text below.",
  },
  {
    invalidCredentials: (attemptsLeft?: number) =>
      `El portal no aceptó ese nombre de usuario y esa contraseña.${attemptsEs(attemptsLeft)}`,
    signInRefusedTries: (safe: number) =>
      `El portal no aceptó ese nombre de usuario y esa contraseña. rxportal permitirá ${plural("es", safe, { one: "1 intento más", other: `${safe} intentos más` })} y luego se detendrá para que su cuenta no se bloquee.`,
    signInRefusedStop: (max: number) =>
      `El portal no aceptó ese nombre de usuario y esa contraseña. rxportal no lo intentará de nuevo: el portal permite ${max} intentos y un error más bloquearía su cuenta.`,
    signInRefusedOnce: (left: number) =>
      `El portal no aceptó ese nombre de usuario y esa contraseña. \`rxportal health\` no volverá a enviar la contraseña (${plural("es", left, { one: "queda 1 intento", other: `quedan ${left} intentos` })} antes de que la cuenta se bloquee).`,
    signInRefusedHint:
      "Revise que la tecla Caps Lock (Bloq Mayús) no esté activada. Revise también si el portal le pide su nombre de usuario o su correo electrónico. ¿Olvidó su contraseña o su nombre de usuario? Use `rxportal reset` o `rxportal username recover`.",
    invalidCode: (attemptsLeft?: number) => `El portal no aceptó ese código.${attemptsEs(attemptsLeft)}`,
    codeExpired: "El código de verificación venció, o se escribieron demasiados códigos incorrectos.",
    accountLocked: (until?: Date) =>
      `Su cuenta está bloqueada por demasiados intentos fallidos de iniciar sesión${until ? `, hasta: ${formatTime("es", until)}` : ""}.`,
    accountLockedHint:
      "Espere hasta esa hora, o use `rxportal reset`: al restablecer la contraseña, la cuenta también se desbloquea. Si usted no hizo esos intentos, llame al número que muestra `rxportal contacts --topic security`.",
    lockedUntil: (until: Date) => `Su cuenta está bloqueada hasta: ${formatTime("es", until)}.`,
    lockedHint:
      "Espere hasta esa hora, o use `rxportal reset` (al restablecer la contraseña, la cuenta también se desbloquea).",
    guardStopped: (failures: number, max: number) =>
      `rxportal detuvo este inicio de sesión: ${failures > 0 ? `${plural("es", failures, { one: "falló 1 intento", other: `fallaron ${failures} intentos seguidos` })}, y` : "según el portal,"} una contraseña incorrecta más bloquearía su cuenta (el portal permite ${max} intentos).`,
    guardStoppedHint:
      "Use `rxportal reset` para crear una contraseña nueva, o `rxportal username recover` si el nombre de usuario puede estar mal. Con `--force` se intenta de todos modos.",
    passwordExpired: "Su contraseña venció. Debe cambiarla antes de iniciar sesión.",
    passwordExpiredHint: "Use `rxportal reset` para crear una contraseña nueva.",
    accountDisabled: "Esta cuenta está desactivada; no se puede desbloquear en línea.",
    accountDisabledHint:
      "Llame al número del reverso de su tarjeta de identificación de miembro, o vea `rxportal contacts`.",
    notSignedIn: "No ha iniciado sesión.",
    notSignedInHint:
      "Use `rxportal login`, o indique la contraseña con --password-stdin, --password-file o RXPORTAL_PASSWORD.",
    signedOut: (username: string, profile: string) => `${username} cerró la sesión en ${profile}.`,
    sessionEnded: "Su sesión terminó.",
    sessionExpired: "Su sesión venció.",
    unauthorized: "No ha iniciado sesión, o su sesión ya no es válida.",
    loginHint: "Use `rxportal login`.",
    maintenance: (retryAfterSeconds?: number) =>
      `El portal no está disponible por mantenimiento (HTTP 503)${retryEs(retryAfterSeconds)}.`,
    serverError: (status: number, retryAfterSeconds?: number) =>
      `El portal tuvo un error del servidor (HTTP ${status})${retryEs(retryAfterSeconds)}.`,
    unavailableHint:
      "Vuelva a intentarlo más tarde. Si un resurtido no puede esperar, `rxportal contacts` muestra los teléfonos.",
    dnsUnknown: (host: string) => `No se encuentra la dirección del portal: el DNS no conoce ${host}.`,
    dnsTemporary: (host: string) =>
      `En este momento no se puede buscar la dirección del portal ${host} (falla temporal del DNS).`,
    dnsHint: "Revise la conexión a internet y la baseUrl del perfil.",
    connectFailed: (hostPort: string, code: string) =>
      `No se puede conectar con el portal en ${hostPort} (${code}).`,
    connectHint: "Revise la conexión a internet y si hay un firewall o un proxy (HTTPS_PROXY) en medio.",
    tlsFailed: (host: string, code: string) => `No se puede conectar de forma segura con ${host} (${code}).`,
    timedOut: "El portal no respondió a tiempo.",
    timeoutHint: "Vuelva a intentarlo. Si la conexión es lenta, dé más tiempo con --timeout <ms>.",
    unreachable: (code: string) => `No se puede llegar al portal (${code}).`,
    badResponse: (code: string) => `No se pudo leer la respuesta del portal (${code}).`,
    rateLimited: (retryAfterSeconds?: number) =>
      `El portal está limitando las solicitudes${retryEs(retryAfterSeconds)}.`,
    rateLimitedHint: "Espere unos minutos y vuelva a intentarlo.",
    unknownOption: (option: string, suggestion?: string) =>
      `opción desconocida: ${option}${suggestion ? ` (¿Quiso decir ${suggestion}?)` : ""}`,
    unknownCommand: (command: string, suggestion?: string) =>
      `comando desconocido: ${command}${suggestion ? ` (¿Quiso decir ${suggestion}?)` : ""}. Use \`rxportal --help\` para ver los comandos.`,
    missingArgument: (name: string) => `falta un dato obligatorio: ${name}`,
    optionMissingArgument: (option: string) => `falta el valor de la opción ${option}`,
    invalidValue: (option: string, value: string, why: string) =>
      `el valor '${value}' de la opción ${option} no es válido. ${whyEs(why)}`,
    tooManyArguments: (command: string) => `sobran datos para '${command}'.`,
    needsCommand: (command: string, subcommands: readonly string[]) =>
      `\`${command}\` necesita un comando: ${or("es", subcommands)} (vea la ayuda de arriba).`,
    needsAnyCommand:
      "`rxportal` necesita un comando, por ejemplo `rxportal doctor` (vea la lista de arriba).",
    noTerminal: (what: string, pass: string) =>
      `no hay una terminal donde preguntarle (${what}). Use ${pass}.`,
    sandboxFaultNeedsSandbox: "--sandbox-fault solo funciona con --sandbox.",
    missingAnswers: (ids: readonly string[]) =>
      `\`rxportal doctor\` necesita más respuestas para seguir: ${ids.join(", ")}. Sin una terminal no se le puede preguntar a nadie.`,
    missingAnswersHint: (example: string) => `Páselas en un archivo --answers o así: ${example}.`,
    unknownEnrollee: (value: string, allowed: readonly string[]) =>
      `Tipo de miembro desconocido: "${value}". Use uno de estos: ${allowed.join(", ")}.`,
    unknownTopic: (value: string, allowed: readonly string[]) =>
      `Tema desconocido: "${value}". Use uno de estos: ${allowed.join(", ")}.`,
    interrupted: "interrumpido.",
    requestId: (id: string) => `(Número de solicitud: ${id})`,
    internalError:
      "error interno. Es una falla de rxportal; por favor, repórtela con el texto que aparece abajo.",
  },
);

export type ErrorMessages = typeof errorText.en;
export type ErrorKey = keyof ErrorMessages;
/** The arguments of a message: none for a plain string. */
export type ErrorArgs<K extends ErrorKey> = ErrorMessages[K] extends (...args: infer A) => string ? A : [];
