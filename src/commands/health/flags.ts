// The flag schemas of health and health serve (loaded with zod, only when one of them runs).
import * as z from "zod/mini";
import "../../zod-messages.js";
import { choice, flag, text, texts, wholeNumber } from "../flags.js";

const probe = {
  login: flag,
  username: text,
  passwordFile: text,
  refreshTokenFile: text,
  clientSecretFile: text,
  all: flag,
  concurrency: z.optional(wholeNumber("--concurrency", 1, 1000)),
  warnMs: texts,
  critMs: texts,
  certWarnDays: z.optional(wholeNumber("--cert-warn-days", 0)),
  certCritDays: z.optional(wholeNumber("--cert-crit-days", 0)),
};

export const health = z.strictObject({
  ...probe,
  format: z.optional(choice(["human", "json", "prometheus", "nagios"])),
});

const logFormat = z.optional(choice(["logfmt", "json"]));
const logLevel = z.optional(choice(["debug", "info", "warn", "error"]));

export const serve = z.strictObject({
  ...probe,
  host: z.string(),
  port: wholeNumber("--port", 0, 65535),
  minLoginInterval: wholeNumber("--min-login-interval", 1),
  shutdownGrace: wholeNumber("--shutdown-grace", 0, 3600),
  webConfigFile: text,
  logFormat,
  logLevel,
  // The exporter-toolkit's spellings, accepted as they are (hidden in --help).
  "web.config.file": text,
  "log.format": logFormat,
  "log.level": logLevel,
});
