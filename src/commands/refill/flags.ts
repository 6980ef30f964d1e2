// The flag schemas of the refill commands (loaded with zod, only when one of them runs).
import * as z from "zod/mini";
import "../../zod-messages.js";
import { flag, sessionFlags, text } from "../flags.js";

export const list = z.strictObject({ member: text, ...sessionFlags });
export const order = z.strictObject({ member: text, yes: flag, again: flag, ...sessionFlags });
export const pending = z.strictObject(sessionFlags);
