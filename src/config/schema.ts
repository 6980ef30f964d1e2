// The config file's schema (shared/cli.md, "Config file"). Loaded only when a config file exists,
// so that commands on the built-in profiles never pay for zod at start-up.
import { z } from "zod";
import { ContactsDirectorySchema } from "../contacts/schema.js";
import { baseUrlProblem, type OperationId, operationPlaceholders, pathOverrideProblem } from "./base-url.js";

export const operationIds = Object.keys(operationPlaceholders) as OperationId[];

const BaseUrlSchema = z
  .string({ error: "expected a URL string such as https://portal.example.com/api/v1" })
  .superRefine((value, ctx) => {
    const problem = baseUrlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
  });

const HostSchema = z
  .string({ error: "expected a host name such as portal.example.com" })
  .regex(/^[a-z0-9.-]+$/i, {
    error: "expected a bare host name such as portal.example.com (no scheme, path or port)",
  });

const PathOverridesSchema = z
  .partialRecord(
    z.enum(operationIds as [OperationId, ...OperationId[]], {
      error: `expected an operation id: ${operationIds.join(", ")}`,
    }),
    z.string({ error: "expected a path string starting with /" }),
    { error: "expected a map of operation ids to paths, e.g. { login: /v2/signin }" },
  )
  .superRefine((paths, ctx) => {
    for (const [id, path] of Object.entries(paths)) {
      if (typeof path !== "string") continue;
      const problem = pathOverrideProblem(id as OperationId, path);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: path, path: [id] });
    }
  });

export const ProfileSchema = z.strictObject({
  baseUrl: BaseUrlSchema,
  officialHosts: z.array(HostSchema, { error: "expected a list of host names" }).optional(),
  username: z.string({ error: "expected a username string" }).min(1).optional(),
  timeoutMs: z
    .number({ error: "expected a number of milliseconds, e.g. 10000" })
    .int({ error: "expected a whole number of milliseconds" })
    .min(100, { error: "expected at least 100 (milliseconds)" })
    .max(600_000, { error: "expected at most 600000 (milliseconds)" })
    .optional(),
  paths: PathOverridesSchema.optional(),
  contacts: z
    .union([z.literal("builtin"), ContactsDirectorySchema], {
      error: 'expected "builtin" or an inline contacts directory',
    })
    .optional(),
});

export const ConfigFileSchema = z.strictObject({
  defaultProfile: z.string({ error: "expected a profile name" }).min(1).optional(),
  profiles: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: "expected a profile name of letters, digits, _ . -" }),
      ProfileSchema,
      { error: "expected a map of profile names to profiles" },
    )
    .optional(),
});
export type ConfigFile = z.infer<typeof ConfigFileSchema>;
