// The flag schemas of login, logout and whoami (loaded with zod, only when one of them runs).
import * as z from "zod/mini";
import "../../zod-messages.js";
import { flag, sessionFlags, text } from "../flags.js";

export const login = z.strictObject({
  ...sessionFlags,
  remember: flag,
  force: flag,
  web: flag,
  browser: flag,
});
export const logout = z.strictObject({ username: text, forget: flag, all: flag });
export const whoami = z.strictObject({ username: text });
