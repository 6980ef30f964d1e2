// The doctor's own questions for facts no tree answer can hold (src/doctor/inputs.ts: a username,
// an email address, the phone and app version, a link), what it says of a value it cannot use, and
// the words of the embedded sandbox's member picker. English and Spanish.
import { catalog } from "../catalog.js";

export const inputWords = catalog(
  {
    username: "Which username do you sign in with? (leave empty to skip this check)",
    usernameBad: "a username has no spaces.",
    email: "Which email address should the reset messages reach? (leave empty to skip this check)",
    emailBad: "expected an email address such as pat@example.com.",
    appPlatform: "Which kind of phone is the app on?",
    ios: "iPhone or iPad (iOS)",
    android: "Android",
    appPlatformBad: "expected ios or android.",
    appVersion: "Which app version is installed? (in the app's settings or the app store; empty to skip)",
    appVersionBad: "expected a version such as 5.2.0.",
    link: "Paste the link from the message (do not open it):",
    linkBad: "a link has no spaces; paste it whole.",
    skip: "I do not know / skip this check",
    sandboxMember: "Which sandbox member are you playing? (each shows a different problem)",
    someoneElse: "Someone else (type the username)",
    scenario_healthy: "signs in without trouble",
    "scenario_mfa-email": "gets sign-in codes by email",
    "scenario_mfa-sms": "gets sign-in codes by text message",
    "scenario_mfa-totp": "uses an authenticator app",
    scenario_locked: "is locked out after too many tries",
    "scenario_password-expired": "has an expired password",
    scenario_disabled: "has a disabled account",
    scenario_medicare: "is a Medicare member",
    scenario_tricare: "is a TRICARE member",
  },
  {
    username: "¿Con qué nombre de usuario inicia sesión? (déjelo vacío para omitir esta revisión)",
    usernameBad: "un nombre de usuario no lleva espacios.",
    email:
      "¿A qué correo electrónico deben llegar los mensajes para restablecer la contraseña? (déjelo vacío para omitir esta revisión)",
    emailBad: "escriba un correo electrónico, por ejemplo pat@example.com.",
    appPlatform: "¿En qué tipo de teléfono tiene la aplicación?",
    ios: "iPhone o iPad (iOS)",
    android: "Android",
    appPlatformBad: "escriba ios o android.",
    appVersion:
      "¿Qué versión de la aplicación tiene instalada? (aparece en la configuración de la aplicación o en la tienda de aplicaciones; déjelo vacío para omitir esta revisión)",
    appVersionBad: "escriba una versión, por ejemplo 5.2.0.",
    link: "Pegue el enlace del mensaje (no lo abra):",
    linkBad: "un enlace no lleva espacios; péguelo completo.",
    skip: "No lo sé / omitir esta revisión",
    sandboxMember:
      "¿Qué miembro de prueba del sandbox quiere representar? (cada uno muestra un problema distinto)",
    someoneElse: "Otra persona (escriba el nombre de usuario)",
    scenario_healthy: "inicia sesión sin problemas",
    "scenario_mfa-email": "recibe los códigos de verificación por correo electrónico",
    "scenario_mfa-sms": "recibe los códigos de verificación por mensaje de texto",
    "scenario_mfa-totp": "usa una aplicación de autenticación",
    scenario_locked: "tiene la cuenta bloqueada por demasiados intentos",
    "scenario_password-expired": "tiene la contraseña vencida",
    scenario_disabled: "tiene la cuenta desactivada",
    scenario_medicare: "es miembro de Medicare",
    scenario_tricare: "es miembro de TRICARE",
  },
);

export type InputWords = ReturnType<(typeof inputWords)["in"]>;
