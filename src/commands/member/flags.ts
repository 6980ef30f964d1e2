// The flag schemas of orders, auto-refill, id-card and kit (loaded with zod, only when one of them runs).
import * as z from "zod/mini";
import "../../zod-messages.js";
import { flag, sessionFlags, text } from "../flags.js";

export const ordersList = z.strictObject({ member: text, all: flag, ...sessionFlags });
export const ordersShow = z.strictObject(sessionFlags);
export const autoRefill = z.strictObject({ member: text, ...sessionFlags });
export const idCard = z.strictObject({ member: text, save: flag, offline: flag, ...sessionFlags });
export const kit = z.strictObject({ member: text, save: flag, out: text, ...sessionFlags });
