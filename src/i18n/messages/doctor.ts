// The doctor's own words, in English and Spanish: the labels and results of its checks, the
// sentences of their findings (src/doctor/probes.ts, and src/net's problems by their code), the
// session's and the end's headings (src/commands/doctor/view.ts), the help-desk report and the
// --summary lines (src/doctor/report.ts), and the consent question. The tree's own texts
// (questions, answers, ends, remedies) are the tree's, not these.

import { componentLabel, isKnownState, stateWords } from "../../ui/service-state.js";
import { catalog, plural } from "../catalog.js";
import type { Lang } from "../lang.js";
import { formatSpan, formatTime } from "./common.js";

const STATE_ES: Record<string, string> = {
  operational: "funcionando con normalidad",
  degraded: "funcionando, pero lento o con fallas",
  maintenance: "cerrado por mantenimiento programado",
  outage: "fuera de servicio (interrupción no programada)",
};
const COMPONENT_ES: Record<string, string> = {
  login: "Inicio de sesión",
  password_reset: "Restablecimiento de contraseña",
  refills: "Resurtidos",
  orders: "Pedidos",
  id_card: "Tarjeta de identificación",
  mobile_app: "Aplicación móvil",
};

/** src/net/trace-connection.ts's problems by code, in Spanish (English is describeNetProblem's). */
const NET_ES: Record<string, (host: string) => string> = {
  ENOTFOUND: (h) =>
    `No se encuentra el nombre ${h}: el DNS no lo conoce. Revise que la dirección esté bien escrita.`,
  EAI_AGAIN: (h) => `En este momento no se puede buscar el nombre ${h} (falla temporal del DNS).`,
  ENODATA: (h) => `El nombre ${h} existe, pero no tiene una dirección.`,
  ECONNREFUSED: (h) =>
    `${h} rechazó la conexión: no hay nada escuchando en ese puerto, o un firewall la bloqueó.`,
  ECONNRESET: (h) => `${h} cortó la conexión; puede que un firewall o un proxy en medio la esté bloqueando.`,
  EHOSTUNREACH: (h) => `No se puede llegar a ${h} desde esta red.`,
  ENETUNREACH: (h) => `Esta computadora no tiene ruta hacia ${h}; revise la conexión a la red.`,
  ETIMEDOUT: (h) =>
    `${h} no respondió a tiempo; puede que la red esté lenta o que algo en medio no deje pasar el tráfico.`,
  ABORTED: () => "La revisión se detuvo antes de terminar.",
  DEPTH_ZERO_SELF_SIGNED_CERT: (h) =>
    `${h} presentó un certificado autofirmado en el que esta computadora no confía: no es el portal real, o hay un proxy de empresa en medio.`,
  SELF_SIGNED_CERT_IN_CHAIN: (h) =>
    `El certificado de ${h} viene de una autoridad en la que esta computadora no confía; suele ser un proxy de empresa que revisa el tráfico (ponga su certificado en NODE_EXTRA_CA_CERTS).`,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: (h) =>
    `No se pudo comprobar el certificado de ${h} hasta una autoridad de confianza; al servidor le puede faltar parte de su cadena de certificados, o hay un proxy en medio.`,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: (h) =>
    `El certificado de ${h} viene de una autoridad que esta computadora no conoce; puede haber un proxy de empresa en medio (ponga su certificado en NODE_EXTRA_CA_CERTS).`,
  CERT_HAS_EXPIRED: (h) =>
    `El certificado de ${h} venció; si la fecha de esta computadora es correcta, el portal debe renovarlo.`,
  CERT_NOT_YET_VALID: (h) =>
    `El certificado de ${h} todavía no es válido; revise que la fecha y la hora de esta computadora sean correctas.`,
  ERR_TLS_CERT_ALTNAME_INVALID: (h) =>
    `El certificado presentado no es de ${h}; puede que no sea el portal real, o que haya un proxy en medio.`,
  ERR_SSL_WRONG_VERSION_NUMBER: (h) => `${h} no respondió con TLS en ese puerto; ¿es una dirección http://?`,
  ENOCERT: (h) => `${h} no presentó ningún certificado.`,
};

function netEs(code: string, host: string): string {
  const known = NET_ES[code];
  if (known) return known(host);
  if (code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS"))
    return `No se pudo establecer la conexión segura con ${host} (${code}).`;
  if (code.includes("CERT")) return `No se aceptó el certificado de ${host} (${code}).`;
  return `Falló la conexión con ${host} (${code}).`;
}

/** src/net/mx.ts's problems by code, in Spanish. */
function mxEs(code: string, domain: string): string {
  if (code === "ENOTFOUND")
    return `El dominio ${domain} no existe: ningún correo puede llegar allí. Revise cómo está escrita la dirección.`;
  if (code === "ENODATA")
    return `${domain} no tiene servidores de correo: los mensajes enviados allí no pueden llegar.`;
  if (code === "ETIMEDOUT") return `El DNS no respondió a tiempo sobre ${domain}.`;
  return `No se pudo preguntar al DNS por ${domain} (${code}).`;
}

const dayCount = (lang: Lang, n: number) =>
  lang === "es"
    ? plural("es", n, { one: "1 día", other: `${n} días` })
    : plural("en", n, { one: "1 day", other: `${n} days` });

export const doctorText = catalog(
  {
    // --- labels and results --------------------------------------------------------------------
    label_dns: "Name lookup (DNS)",
    label_tcp: "Connection",
    label_tls: "Certificate (TLS)",
    label_status: "Portal status",
    label_clock: "Clock",
    label_lockout: "Account lock",
    "label_app-version": "App version",
    label_mx: "Mail for the recovery address",
    label_proxy: "Proxy settings",
    "label_last-code": "Last refused sign-in code",
    "label_oidc-discovery": "Sign-in provider",
    "label_oidc-issuer": "Sign-in provider's name (issuer)",
    "label_oidc-jwks": "Sign-in provider's keys (JWKS)",
    "label_oidc-clock": "Clock against the sign-in provider",
    "label_oidc-tls": "Sign-in provider's certificate (TLS)",
    outcome_ok: "OK",
    outcome_problem: "PROBLEM",
    outcome_unknown: "COULD NOT CHECK",
    severity_info: "info",
    severity_warning: "warning",
    severity_urgent: "urgent",
    /** A service state of the portal's status page (src/ui/service-state.ts's words). */
    state: (state: string) => stateWords(state),
    componentName: (name: string) => componentLabel(name),
    // --- the session at a terminal -------------------------------------------------------------
    question: "Question:",
    given: "Given:",
    skipped: "(skipped)",
    step: "Step:",
    checking: (label: string) => `Checking ${label.toLowerCase()}`,
    diagnosis: "Diagnosis:",
    urgent: " (urgent)",
    whomToCall: "Whom to call:",
    requestIdsToQuote: (ids: string) => `Request ids to quote to support: ${ids}`,
    keepCopy: "To keep a copy for the help desk, run the doctor again with --report <folder>.",
    reportWritten: (file: string) => `Report written to ${file} and report.json (readable only by you).`,
    noReport: "rxportal: no report written: the member did not agree to one.",
    consentQuestion:
      "Does the member agree that this session's answers and check results are saved in a report for the help desk?",
    // --- probe findings ------------------------------------------------------------------------
    notResolvedNoConnect: (host: string) => `Not checked: the name ${host} did not resolve.`,
    netProblem: (_code: string, _host: string, english: string) => english,
    isAddress: (host: string) => `${host} is an address already; no name lookup is needed.`,
    resolves: (host: string, addresses: string) => `${host} resolves to ${addresses}.`,
    connects: (host: string, port: number) => `A connection to ${host} port ${port} opens.`,
    plainHttp: (host: string) =>
      `No certificate to check: ${host} is reached over plain http (allowed only on this computer).`,
    noConnection: "Not checked: no connection could be opened.",
    certIssued: (subject: string, issuer: string, selfSigned: boolean) =>
      `Issued to ${subject} by ${issuer}${selfSigned ? " (self-signed)" : ""}`,
    certValid: (from: string, to: string, days: number) => `Valid ${from} to ${to} (${days} days left)`,
    certFingerprint: (fp: string) => `SHA-256 fingerprint ${fp}`,
    certNotTrusted: (host: string, why: string) => `The certificate of ${host} is not trusted (${why}).`,
    certOk: (host: string, daysLeftIfSoon?: number) =>
      `The certificate is valid, current and issued for ${host}.${daysLeftIfSoon === undefined ? "" : ` It ends in ${daysLeftIfSoon} days.`}`,
    proxyUnreachable: (proxy: string, variable: string, why: string) =>
      `Requests go through the proxy ${proxy} (from ${variable}), and it cannot be reached: ${why}`,
    proxyAnswers: (proxy: string, variable: string) =>
      `Requests go through the proxy ${proxy} (from ${variable}), and it answers.`,
    proxyNone: (english: string) => english,
    noEmail: "Not checked: no email address was given.",
    mxOk: (domain: string) => `${domain} has mail servers, so messages can reach it.`,
    mxServers: (list: string) => `Mail servers: ${list}`,
    mxProblem: (_code: string, _domain: string, english: string) => english,
    couldNotCheck: (why: string) => `Could not check: ${why}`,
    component: (name: string, state: string) => `${name}: ${state}`,
    maintenanceNow: (from: Date, to: Date, note: string) =>
      `Maintenance now: ${formatTime("en", from)} to ${formatTime("en", to)}${note ? ` (${note})` : ""}`,
    maintenancePlanned: (from: Date, to: Date, note: string) =>
      `Planned maintenance: ${formatTime("en", from)} to ${formatTime("en", to)}${note ? ` (${note})` : ""}`,
    portalSays: (message: string) => `The portal says: ${message}`,
    statusSignIn: (state: string, until?: Date) =>
      `The portal's status page says sign-in is ${state}${until ? `, until ${formatTime("en", until)}` : ""}.`,
    statusPortal: (state: string, until?: Date) =>
      `The portal's status page says the portal is ${state}${until ? `, until ${formatTime("en", until)}` : ""}.`,
    statusOk: "The portal's status page says everything is working.",
    statusMaintenancePage: (retryAfterSeconds?: number) =>
      `The portal answers with a maintenance page instead of its status.${retryAfterSeconds === undefined ? "" : ` It asks to try again in ${formatSpan("en", retryAfterSeconds)}.`}`,
    statusErrorPage: (status: string, retryAfterSeconds?: number) =>
      `The portal answers with an error (${status}) instead of its status.${retryAfterSeconds === undefined ? "" : ` It asks to try again in ${formatSpan("en", retryAfterSeconds)}.`}`,
    statusUnreachable: (why: string) => `Could not reach the status page: ${why}.`,
    statusLimited: "The portal is limiting requests right now; the status could not be read.",
    statusUnreadable: (why: string) => `Could not read the status page: ${why}.`,
    clockUnknown: "Not checked: the portal's time could not be read.",
    clockAhead: (seconds: number) =>
      `This computer's clock is ${formatSpan("en", seconds)} ahead of the portal's.`,
    clockBehind: (seconds: number) =>
      `This computer's clock is ${formatSpan("en", seconds)} behind the portal's.`,
    clockOk: (seconds: number) => `This computer's clock agrees with the portal's (within ${seconds} s).`,
    appNotGiven: "Not checked: the phone type or app version was not given.",
    appUnknown: "Not checked: the portal's app requirements could not be read.",
    appTooOld: (version: string, minimum: string, phone: string) =>
      `App ${version} is older than ${minimum}, the oldest ${phone} version the portal still accepts.`,
    appOk: (version: string, latestIfNewer?: string) =>
      `App ${version} is new enough for the portal${latestIfNewer ? ` (${latestIfNewer} is the latest; updating does no harm)` : ""}.`,
    noUsername: "Not checked: no username was given.",
    codeNoneSeen: (username: string) =>
      `rxportal has not seen a sign-in code refused for ${username} in the last day (the website's attempts are not visible here).`,
    codeOlder: (username: string, at: Date, resentAt: Date) =>
      `At ${formatTime("en", at)} the portal refused a code for ${username}, after a new code had been asked for at ${formatTime("en", resentAt)}: that was most likely an older code, which stops working once a new one is sent.`,
    codeExpired: (username: string, at: Date) =>
      `At ${formatTime("en", at)} the portal said the sign-in for ${username} had expired: a code works for 15 minutes, and too many wrong codes end the sign-in too.`,
    codeRefused: (username: string, at: Date) =>
      `At ${formatTime("en", at)} the portal refused a code for ${username}; no new code had been asked for, so it was mistyped, too old, or from another sign-in.`,
    lockNoRecord: (username: string) =>
      `rxportal has no record of a lock on ${username}; only a sign-in attempt could ask the portal, and no saved password is at hand.`,
    notLockedSignsIn: (username: string) =>
      `${username} is not locked: signing in with the saved password works.`,
    notLockedCode: (username: string) =>
      `${username} is not locked: the portal accepted the password and asked for a sign-in code (you can ignore the code it sent).`,
    lockedNoEnd: (username: string) => `${username} is locked; the portal did not say until when.`,
    guardSays: (why: string) => `Not checked with the portal: ${why}`,
    notLockedRefused: (username: string) => `${username} is not locked, but the saved password was refused.`,
    notLockedExpired: (username: string) =>
      `${username} is not locked, but its password has expired and must be reset.`,
    disabled: (username: string) => `${username} is disabled, not locked; only support can enable it.`,
    locked: (username: string, until: Date, secondsLeft: number, portalSaid: boolean) =>
      `${username} is locked until ${formatTime("en", until)} (${formatSpan("en", secondsLeft)} from now); ${portalSaid ? "the portal says so" : "the portal said so at rxportal's last sign-in attempt"}.`,
    // --- the sign-in provider of an OIDC profile (src/doctor/oidc-probes.ts) ----------------
    oidcNotOidc: "Not checked: this profile does not sign in at an OpenID Connect provider.",
    oidcAnswers: (host: string) => `The sign-in provider ${host} answers and describes itself.`,
    oidcDown: (host: string, why: string) => `The sign-in provider ${host} cannot be reached: ${why}`,
    oidcHttpStatus: (host: string, status: number) => `${host} answers with an error (HTTP ${status}).`,
    oidcUnreadable: (host: string) => `${host} answers with something that is not a provider description.`,
    oidcFlows: (device: boolean, web: boolean) =>
      `Sign-in with a code (\`rxportal login\`): ${device ? "offered" : "not offered"}; in this computer's browser (\`login --web\`): ${web ? "offered" : "not offered"}.`,
    oidcNoFlow: (host: string) =>
      `The sign-in provider ${host} offers neither sign-in with a code nor sign-in in a browser: rxportal cannot sign in there.`,
    oidcNotRead: "Not checked: the sign-in provider's description could not be used.",
    oidcIssuerOk: (issuer: string) => `The provider names itself ${issuer}, as the profile says.`,
    oidcIssuerMismatch: (found: string, configured: string) =>
      `The provider names itself ${found}, but the profile says ${configured}: sign-in fails until both are the same.`,
    oidcIssuerMissing: "The provider's description gives no name (issuer): sign-in cannot trust it.",
    oidcJwksOk: (n: number) =>
      `The provider's signing keys can be read (${plural("en", n, { one: "1 key", other: `${n} keys` })}).`,
    oidcJwksEmpty: "The provider's list of signing keys (JWKS) is empty: no sign-in can be checked.",
    oidcJwksNoUri: "The provider's description names no signing keys (jwks_uri): no sign-in can be checked.",
    oidcJwksDown: (why: string) => `The provider's signing keys (JWKS) cannot be read: ${why}`,
    oidcClockUnknown: "Not checked: the sign-in provider's time could not be read.",
    oidcClockAhead: (seconds: number, tolerance: number) =>
      `This computer's clock is ${formatSpan("en", seconds)} ahead of the sign-in provider's; sign-in allows ${tolerance} s.`,
    oidcClockBehind: (seconds: number, tolerance: number) =>
      `This computer's clock is ${formatSpan("en", seconds)} behind the sign-in provider's; sign-in allows ${tolerance} s.`,
    oidcClockOk: (seconds: number, tolerance: number) =>
      `This computer's clock agrees with the sign-in provider's (within ${seconds} s; sign-in allows ${tolerance} s).`,
    oidcClockFromToken: (seconds: number) =>
      `The kept sign-in was issued ${formatSpan("en", seconds)} after this computer's present time.`,
    // --- action findings -----------------------------------------------------------------------
    lockEndUnknown: "The time the lock ends is not known; a lock usually lasts about 15 minutes to an hour.",
    lockEnds: (until: Date, secondsLeft: number) =>
      `The lock ends at ${formatTime("en", until)}, ${formatSpan("en", secondsLeft)} from now. Trying before then does not help.`,
    noLink: "No link was given. Check one any time with `rxportal check-link <url>`.",
    linkOfficial: (host: string) => `The link goes to ${host}, an official address of the portal.`,
    linkNotWeb: (scheme: string) =>
      `Not a web link: this ${scheme}: link cannot be the portal's. Do not open it.`,
    linkSuspicious: (host: string) =>
      `Suspicious link: it goes to ${host}, which is not the portal's. Do not open it.`,
    // --- the report and the summary ------------------------------------------------------------
    summaryHead: (createdAt: string, profile: string, version: string) =>
      `rxportal doctor summary, ${createdAt}, profile ${profile}, rxportal ${version}`,
    fieldSymptom: "Symptom",
    fieldFailed: "Failed checks",
    fieldDiagnosis: "Diagnosis",
    fieldNext: "Next step",
    fieldCall: "Whom to call",
    fieldRequestIds: "Request ids",
    fieldConsent: "Consent",
    fieldAgent: "Agent",
    notAsked: (start: string) => `not asked; the run started at ${start}`,
    requestIdsIn: (ids: string) => ` [request ids ${ids}]`,
    nonePassed: (n: number) => `none (${n} passed)`,
    noneRun: "none run on this path",
    noneGiven: "none given",
    memberServices: "member services, the number on the member ID card",
    noneRecorded: "none recorded",
    noneNamed: "none named",
    consent_agreed: "the member agreed to a help-desk report",
    consent_declined: "the member did not agree to a saved report",
    "consent_not-asked": "not asked (no help-desk agent named)",
    reportTitle: "# rxportal doctor report",
    created: "Created",
    version: "rxportal version",
    portalProfile: "Portal profile",
    tree: (tree: string, start: string) => `Tree: ${tree}, started at \`${start}\``,
    agentAgreed: (name: string) => `Help-desk agent: ${name}; the member agreed to this report.`,
    duration: "Duration",
    recommendation: "## Recommendation",
    pathTaken: "## Path taken",
    pathQuestion: "Question",
    pathInput: "Input",
    pathCheck: "Check",
    pathAction: "Action",
    pathResult: "Result",
    checks: "## Checks",
    checksHead: "| check | result | time | summary |",
    noChecks: "No live checks were on this path.",
    requestIds: "## Request ids",
    noneRecordedTitle: "None recorded.",
    whomToCallTitle: "## Whom to call",
    answersTitle: "## Answers (to replay this run)",
    days: (n: number) => dayCount("en", n),
  },
  {
    label_dns: "Búsqueda del nombre (DNS)",
    label_tcp: "Conexión",
    label_tls: "Certificado (TLS)",
    label_status: "Estado del portal",
    label_clock: "Reloj",
    label_lockout: "Bloqueo de la cuenta",
    "label_app-version": "Versión de la aplicación",
    label_mx: "Correo de la dirección de recuperación",
    label_proxy: "Configuración del proxy",
    "label_last-code": "Último código de verificación rechazado",
    "label_oidc-discovery": "Proveedor de inicio de sesión",
    "label_oidc-issuer": "Nombre del proveedor de inicio de sesión (issuer)",
    "label_oidc-jwks": "Claves del proveedor de inicio de sesión (JWKS)",
    "label_oidc-clock": "Reloj frente al del proveedor de inicio de sesión",
    "label_oidc-tls": "Certificado del proveedor de inicio de sesión (TLS)",
    outcome_ok: "BIEN",
    outcome_problem: "PROBLEMA",
    outcome_unknown: "NO SE PUDO REVISAR",
    severity_info: "informativo",
    severity_warning: "advertencia",
    severity_urgent: "urgente",
    // A state rxportal does not know keeps the neutral English wording, with the value as sent.
    state: (state: string) => (isKnownState(state) ? (STATE_ES[state] ?? state) : stateWords(state)),
    componentName: (name: string) =>
      Object.hasOwn(COMPONENT_ES, name) ? (COMPONENT_ES[name] ?? name) : componentLabel(name),
    question: "Pregunta:",
    given: "Dato:",
    skipped: "(omitido)",
    step: "Paso:",
    // Only the first letter: "(DNS)" and "(TLS)" keep their capitals.
    checking: (label: string) => `Revisando: ${label.charAt(0).toLowerCase()}${label.slice(1)}`,
    diagnosis: "Diagnóstico:",
    urgent: " (urgente)",
    whomToCall: "A quién llamar:",
    requestIdsToQuote: (ids: string) => `Números de solicitud para el soporte técnico: ${ids}`,
    keepCopy:
      "Para guardar una copia para la mesa de ayuda, vuelva a ejecutar rxportal doctor con --report <carpeta>.",
    reportWritten: (file: string) => `Informe guardado en ${file} y report.json (solo usted puede leerlos).`,
    noReport: "rxportal: no se guardó ningún informe porque el miembro no dio su consentimiento.",
    consentQuestion:
      "¿Está de acuerdo el miembro en que las respuestas y los resultados de esta sesión se guarden en un informe para la mesa de ayuda?",
    notResolvedNoConnect: (host: string) => `No se revisó: no se encontró el nombre ${host}.`,
    netProblem: (code: string, host: string, _english: string) => netEs(code, host),
    isAddress: (host: string) => `${host} ya es una dirección; no hace falta buscar el nombre.`,
    resolves: (host: string, addresses: string) => `${host} corresponde a ${addresses}.`,
    connects: (host: string, port: number) => `Se puede abrir una conexión con ${host} en el puerto ${port}.`,
    plainHttp: (host: string) =>
      `No hay certificado que revisar: se llega a ${host} por http simple (solo se permite en esta computadora).`,
    noConnection: "No se revisó: no se pudo abrir ninguna conexión.",
    certIssued: (subject: string, issuer: string, selfSigned: boolean) =>
      `Emitido para ${subject} por ${issuer}${selfSigned ? " (autofirmado)" : ""}`,
    certValid: (from: string, to: string, days: number) =>
      `Válido del ${from} al ${to} (${plural("es", days, { one: "queda 1 día", other: `quedan ${days} días` })})`,
    certFingerprint: (fp: string) => `Huella digital SHA-256 ${fp}`,
    certNotTrusted: (host: string, why: string) => `El certificado de ${host} no es de confianza (${why}).`,
    certOk: (host: string, daysLeftIfSoon?: number) =>
      `El certificado es válido, está vigente y es de ${host}.${daysLeftIfSoon === undefined ? "" : ` Vence en ${dayCount("es", daysLeftIfSoon)}.`}`,
    proxyUnreachable: (proxy: string, variable: string, why: string) =>
      `Las solicitudes pasan por el proxy ${proxy} (de ${variable}), y no se puede llegar a él: ${why}`,
    proxyAnswers: (proxy: string, variable: string) =>
      `Las solicitudes pasan por el proxy ${proxy} (de ${variable}), y el proxy responde.`,
    proxyNone: (_english: string) => "Las solicitudes van directo al portal, sin proxy.",
    noEmail: "No se revisó: no se dio una dirección de correo electrónico.",
    mxOk: (domain: string) => `${domain} tiene servidores de correo, así que los mensajes pueden llegar.`,
    mxServers: (list: string) => `Servidores de correo: ${list}`,
    mxProblem: (code: string, domain: string, _english: string) => mxEs(code, domain),
    couldNotCheck: (why: string) => `No se pudo revisar: ${why}`,
    component: (name: string, state: string) => `${name}: ${state}`,
    maintenanceNow: (from: Date, to: Date, note: string) =>
      `Mantenimiento en curso: de ${formatTime("es", from)} a ${formatTime("es", to)}${note ? ` (${note})` : ""}`,
    maintenancePlanned: (from: Date, to: Date, note: string) =>
      `Mantenimiento programado: de ${formatTime("es", from)} a ${formatTime("es", to)}${note ? ` (${note})` : ""}`,
    portalSays: (message: string) => `El portal dice: ${message}`,
    statusSignIn: (state: string, until?: Date) =>
      `Según la página de estado del portal, el inicio de sesión está ${state}${until ? `, hasta: ${formatTime("es", until)}` : ""}.`,
    statusPortal: (state: string, until?: Date) =>
      `Según la página de estado del portal, el portal está ${state}${until ? `, hasta: ${formatTime("es", until)}` : ""}.`,
    statusOk: "Según la página de estado del portal, todo funciona.",
    statusMaintenancePage: (retryAfterSeconds?: number) =>
      `El portal responde con una página de mantenimiento en lugar de su estado.${retryAfterSeconds === undefined ? "" : ` Pide volver a intentarlo en ${formatSpan("es", retryAfterSeconds)}.`}`,
    statusErrorPage: (status: string, retryAfterSeconds?: number) =>
      `El portal responde con un error (${status}) en lugar de su estado.${retryAfterSeconds === undefined ? "" : ` Pide volver a intentarlo en ${formatSpan("es", retryAfterSeconds)}.`}`,
    statusUnreachable: (why: string) => `No se pudo llegar a la página de estado: ${why}.`,
    statusLimited: "El portal está limitando las solicitudes en este momento; no se pudo leer su estado.",
    statusUnreadable: (why: string) => `No se pudo leer la página de estado: ${why}.`,
    clockUnknown: "No se revisó: no se pudo leer la hora del portal.",
    clockAhead: (seconds: number) =>
      `El reloj de esta computadora va ${formatSpan("es", seconds)} adelantado respecto al del portal.`,
    clockBehind: (seconds: number) =>
      `El reloj de esta computadora va ${formatSpan("es", seconds)} atrasado respecto al del portal.`,
    clockOk: (seconds: number) =>
      `El reloj de esta computadora coincide con el del portal (diferencia de ${seconds} s o menos).`,
    appNotGiven: "No se revisó: no se dio el tipo de teléfono o la versión de la aplicación.",
    appUnknown: "No se revisó: no se pudieron leer los requisitos del portal para la aplicación.",
    appTooOld: (version: string, minimum: string, phone: string) =>
      `La versión ${version} de la aplicación es anterior a la ${minimum}, la versión más antigua para ${phone} que el portal todavía acepta.`,
    appOk: (version: string, latestIfNewer?: string) =>
      `La versión ${version} de la aplicación es lo bastante reciente para el portal${latestIfNewer ? ` (la más reciente es la ${latestIfNewer}; actualizarla no le hace daño)` : ""}.`,
    noUsername: "No se revisó: no se dio un nombre de usuario.",
    codeNoneSeen: (username: string) =>
      `rxportal no ha visto ningún código de verificación rechazado para ${username} en el último día (aquí no se ven los intentos hechos en el sitio web).`,
    codeOlder: (username: string, at: Date, resentAt: Date) =>
      `El ${formatTime("es", at)}, el portal rechazó un código para ${username} después de que se pidiera uno nuevo (${formatTime("es", resentAt)}): lo más probable es que fuera un código anterior, que deja de funcionar cuando se envía uno nuevo.`,
    codeExpired: (username: string, at: Date) =>
      `El ${formatTime("es", at)}, el portal dijo que el inicio de sesión de ${username} había vencido: un código sirve durante 15 minutos, y demasiados códigos incorrectos también terminan el inicio de sesión.`,
    codeRefused: (username: string, at: Date) =>
      `El ${formatTime("es", at)}, el portal rechazó un código para ${username}; no se había pedido uno nuevo, así que el código se escribió mal, era demasiado antiguo o era de otro inicio de sesión.`,
    lockNoRecord: (username: string) =>
      `rxportal no tiene registro de un bloqueo de ${username}; solo un intento de iniciar sesión podría preguntarlo al portal, y no hay ninguna contraseña guardada que usar.`,
    notLockedSignsIn: (username: string) =>
      `La cuenta ${username} no está bloqueada: se puede iniciar sesión con la contraseña guardada.`,
    notLockedCode: (username: string) =>
      `La cuenta ${username} no está bloqueada: el portal aceptó la contraseña y pidió un código de verificación (puede ignorar el código que envió).`,
    lockedNoEnd: (username: string) =>
      `La cuenta ${username} está bloqueada; el portal no dijo hasta cuándo.`,
    guardSays: (why: string) => `No se revisó con el portal: ${why}`,
    notLockedRefused: (username: string) =>
      `La cuenta ${username} no está bloqueada, pero el portal rechazó la contraseña guardada.`,
    notLockedExpired: (username: string) =>
      `La cuenta ${username} no está bloqueada, pero su contraseña venció y hay que restablecerla.`,
    disabled: (username: string) =>
      `La cuenta ${username} está desactivada, no bloqueada; solo el soporte técnico puede volver a activarla.`,
    locked: (username: string, until: Date, secondsLeft: number, portalSaid: boolean) =>
      `La cuenta ${username} está bloqueada hasta: ${formatTime("es", until)} (dentro de ${formatSpan("es", secondsLeft)}); ${portalSaid ? "lo dice el portal" : "así lo dijo el portal en el último intento de inicio de sesión de rxportal"}.`,
    oidcNotOidc: "No se revisó: este perfil no inicia sesión con un proveedor OpenID Connect.",
    oidcAnswers: (host: string) =>
      `El proveedor de inicio de sesión ${host} responde y envía su descripción.`,
    oidcDown: (host: string, why: string) =>
      `No se puede llegar al proveedor de inicio de sesión ${host}: ${why}`,
    oidcHttpStatus: (host: string, status: number) => `${host} responde con un error (HTTP ${status}).`,
    oidcUnreadable: (host: string) =>
      `${host} responde con algo que no es la descripción de un proveedor de inicio de sesión.`,
    oidcFlows: (device: boolean, web: boolean) =>
      `Inicio de sesión con un código (\`rxportal login\`): ${device ? "disponible" : "no disponible"}; en el navegador de esta computadora (\`login --web\`): ${web ? "disponible" : "no disponible"}.`,
    oidcNoFlow: (host: string) =>
      `El proveedor de inicio de sesión ${host} no ofrece iniciar sesión ni con un código ni en un navegador: rxportal no puede iniciar sesión ahí.`,
    oidcNotRead: "No se revisó: no se pudo usar la descripción del proveedor de inicio de sesión.",
    oidcIssuerOk: (issuer: string) => `El proveedor se identifica como ${issuer}, igual que en el perfil.`,
    oidcIssuerMismatch: (found: string, configured: string) =>
      `El proveedor se identifica como ${found}, pero el perfil dice ${configured}: no podrá iniciar sesión hasta que sean iguales.`,
    oidcIssuerMissing:
      "La descripción del proveedor no dice su nombre (issuer): no se puede confiar en el inicio de sesión.",
    oidcJwksOk: (n: number) =>
      `Se pueden leer las claves de firma del proveedor (${plural("es", n, { one: "1 clave", other: `${n} claves` })}).`,
    oidcJwksEmpty:
      "La lista de claves de firma del proveedor (JWKS) está vacía: no se puede comprobar ningún inicio de sesión.",
    oidcJwksNoUri:
      "La descripción del proveedor no indica sus claves de firma (jwks_uri): no se puede comprobar ningún inicio de sesión.",
    oidcJwksDown: (why: string) => `No se pueden leer las claves de firma del proveedor (JWKS): ${why}`,
    oidcClockUnknown: "No se revisó: no se pudo leer la hora del proveedor de inicio de sesión.",
    oidcClockAhead: (seconds: number, tolerance: number) =>
      `El reloj de esta computadora va ${formatSpan("es", seconds)} adelantado respecto al del proveedor de inicio de sesión; el inicio de sesión permite ${tolerance} s.`,
    oidcClockBehind: (seconds: number, tolerance: number) =>
      `El reloj de esta computadora va ${formatSpan("es", seconds)} atrasado respecto al del proveedor de inicio de sesión; el inicio de sesión permite ${tolerance} s.`,
    oidcClockOk: (seconds: number, tolerance: number) =>
      `El reloj de esta computadora coincide con el del proveedor de inicio de sesión (diferencia de ${seconds} s o menos; el inicio de sesión permite ${tolerance} s).`,
    oidcClockFromToken: (seconds: number) =>
      `La sesión guardada se emitió ${formatSpan("es", seconds)} después de la hora actual de esta computadora.`,
    lockEndUnknown:
      "No se sabe cuándo termina el bloqueo; un bloqueo suele durar entre unos 15 minutos y una hora.",
    lockEnds: (until: Date, secondsLeft: number) =>
      `El bloqueo termina: ${formatTime("es", until)}, dentro de ${formatSpan("es", secondsLeft)}. Intentarlo antes no sirve de nada.`,
    noLink: "No se dio ningún enlace. Puede revisar uno cuando quiera con `rxportal check-link <url>`.",
    linkOfficial: (host: string) => `El enlace lleva a ${host}, una dirección oficial del portal.`,
    linkNotWeb: (scheme: string) =>
      `No es un enlace web: un enlace ${scheme}: no puede ser del portal. No lo abra.`,
    linkSuspicious: (host: string) => `Enlace sospechoso: lleva a ${host}, que no es del portal. No lo abra.`,
    summaryHead: (createdAt: string, profile: string, version: string) =>
      `Resumen de rxportal doctor, ${createdAt}, perfil ${profile}, rxportal ${version}`,
    fieldSymptom: "Síntoma",
    fieldFailed: "Revisiones con problemas",
    fieldDiagnosis: "Diagnóstico",
    fieldNext: "Próximo paso",
    fieldCall: "A quién llamar",
    fieldRequestIds: "Números de solicitud",
    fieldConsent: "Consentimiento",
    fieldAgent: "Agente",
    notAsked: (start: string) => `no se preguntó; la sesión empezó en ${start}`,
    requestIdsIn: (ids: string) => ` [números de solicitud ${ids}]`,
    nonePassed: (n: number) =>
      plural("es", n, { one: "ninguna (1 salió bien)", other: `ninguna (${n} salieron bien)` }),
    noneRun: "ninguna en este camino",
    noneGiven: "no se indicó",
    memberServices: "servicios para miembros, al número de la tarjeta de identificación de miembro",
    noneRecorded: "no se registró ninguno",
    noneNamed: "no se nombró a nadie",
    consent_agreed: "el miembro aceptó un informe para la mesa de ayuda",
    consent_declined: "el miembro no aceptó que se guarde un informe",
    "consent_not-asked": "no se preguntó (no se nombró a ningún agente de la mesa de ayuda)",
    reportTitle: "# Informe de rxportal doctor",
    created: "Fecha",
    version: "Versión de rxportal",
    portalProfile: "Perfil del portal",
    tree: (tree: string, start: string) => `Árbol: ${tree}, empezó en \`${start}\``,
    agentAgreed: (name: string) => `Agente de la mesa de ayuda: ${name}; el miembro aceptó este informe.`,
    duration: "Duración",
    recommendation: "## Recomendación",
    pathTaken: "## Camino seguido",
    pathQuestion: "Pregunta",
    pathInput: "Dato",
    pathCheck: "Revisión",
    pathAction: "Acción",
    pathResult: "Resultado",
    checks: "## Revisiones",
    checksHead: "| revisión | resultado | tiempo | resumen |",
    noChecks: "En este camino no hubo revisiones en vivo.",
    requestIds: "## Números de solicitud",
    noneRecordedTitle: "No se registró ninguno.",
    whomToCallTitle: "## A quién llamar",
    answersTitle: "## Respuestas (para repetir esta sesión)",
    days: (n: number) => dayCount("es", n),
  },
);

export type DoctorWords = ReturnType<typeof doctorText.in>;
