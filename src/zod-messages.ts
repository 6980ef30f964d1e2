// zod/mini carries no messages of its own: this gives it zod's English ones, which is what the
// people reading rxportal's errors (and its tests) see. Imported for its effect by every module
// that builds zod schemas; the bundle holds the English locale only (scripts/build.mjs).
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());
