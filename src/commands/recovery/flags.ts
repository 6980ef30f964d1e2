// The flag schemas of username recover and the reset commands (loaded with zod, only then).
import * as z from "zod/mini";
import "../../zod-messages.js";
import { flag, text } from "../flags.js";

export const usernameRecover = z.strictObject({ email: text, memberId: text, dob: text });
export const resetStart = z.strictObject({ username: text });
export const resetRequest = z.strictObject({ username: text, memberId: text, dob: text });
export const resetConfirm = z.strictObject({ username: text, codeStdin: flag, newPasswordStdin: flag });
