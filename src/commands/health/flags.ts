// The flag schemas of health and health serve (loaded with zod, only when one of them runs).
import { z } from "zod";
import { choice, flag, text, texts, wholeNumber } from "../flags.js";

const probe = {
  login: flag,
  username: text,
  passwordFile: text,
  all: flag,
  warnMs: texts,
  critMs: texts,
  certWarnDays: wholeNumber("--cert-warn-days", 0).optional(),
  certCritDays: wholeNumber("--cert-crit-days", 0).optional(),
};

export const health = z.strictObject({
  ...probe,
  format: choice(["human", "json", "prometheus", "nagios"]).optional(),
});

export const serve = z.strictObject({
  ...probe,
  host: z.string(),
  port: wholeNumber("--port", 0, 65535),
  minLoginInterval: wholeNumber("--min-login-interval", 1),
});
