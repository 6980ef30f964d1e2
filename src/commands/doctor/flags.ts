// The flag schema of doctor (loaded with zod, only when doctor runs).
import * as z from "zod/mini";
import "../../zod-messages.js";
import { flag, text, texts } from "../flags.js";

export const doctor = z.strictObject({
  answers: text,
  answer: texts,
  start: text,
  tree: text,
  report: text,
  agent: text,
  summary: flag,
});
