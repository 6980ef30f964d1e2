// The flag schema of `rxportal register` (loaded with zod, only when it runs).
import * as z from "zod/mini";
import "../../zod-messages.js";
import { flag, text } from "../flags.js";

export const register = z.strictObject({
  firstName: text,
  lastName: text,
  dob: text,
  memberId: text,
  ssnStdin: flag,
  username: text,
  email: text,
  phone: text,
  passwordStdin: flag,
  codeStdin: flag,
  ssn: text,
  password: text,
});
