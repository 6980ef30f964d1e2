// The config file's schema (shared/cli.md, "Config file"). Loaded only when a config file exists,
// so that commands on the built-in profiles never pay for zod at start-up.
import * as z from "zod/mini";
import "../zod-messages.js";
import { ContactsDirectorySchema } from "../contacts/schema.js";
import { baseUrlProblem, type OperationId, operationPlaceholders, pathOverrideProblem } from "./base-url.js";

export const operationIds = Object.keys(operationPlaceholders) as OperationId[];

const BaseUrlSchema = z
  .string({ error: "expected a URL string such as https://portal.example.com/api/v1" })
  .check(
    z.superRefine((value, ctx) => {
      const problem = baseUrlProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
    }),
  );

const HostSchema = z.string({ error: "expected a host name such as portal.example.com" }).check(
  z.regex(/^[a-z0-9.-]+$/i, {
    error: "expected a bare host name such as portal.example.com (no scheme, path or port)",
  }),
);

const PathOverridesSchema = z
  .partialRecord(
    z.enum(operationIds as [OperationId, ...OperationId[]], {
      error: `expected an operation id: ${operationIds.join(", ")}`,
    }),
    z.string({ error: "expected a path string starting with /" }),
    { error: "expected a map of operation ids to paths, e.g. { login: /v2/signin }" },
  )
  .check(
    z.superRefine((paths, ctx) => {
      for (const [id, path] of Object.entries(paths)) {
        if (typeof path !== "string") continue;
        const problem = pathOverrideProblem(id as OperationId, path);
        if (problem) ctx.addIssue({ code: "custom", message: problem, input: path, path: [id] });
      }
    }),
  );

const ScopeSchema = z
  .string({ error: "expected a scope name such as openid" })
  .check(z.regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, { error: "expected a scope name without spaces or quotes" }));

/** How the profile's members sign in (docs/cli.md, "OIDC"); absent means the portal's own /auth/*. */
export const AuthSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("portal") }),
    z.strictObject({
      type: z.literal("oidc"),
      // The same rule as baseUrl: https, or http for this machine only (a test provider).
      issuer: BaseUrlSchema,
      clientId: z
        .string({ error: "expected the client id the provider gave rxportal" })
        .check(z.minLength(1)),
      scopes: z.optional(
        z.array(ScopeSchema, { error: "expected a list of scopes, e.g. [openid, profile]" }),
      ),
      audience: z.optional(
        z.string({ error: "expected the portal API's audience (a resource URI)" }).check(z.minLength(1)),
      ),
      redirectPort: z.optional(
        z
          .number({ error: "expected a port number from 0 to 65535" })
          .check(
            z.refine(Number.isSafeInteger, { error: "expected a whole port number" }),
            z.gte(0, { error: "expected a port number from 0 to 65535" }),
            z.lte(65_535, { error: "expected a port number from 0 to 65535" }),
          ),
      ),
      // health --login's confidential monitoring client (client credentials). Its secret is never
      // here: RXPORTAL_CLIENT_SECRET, --client-secret-file or the keychain (docs/cli.md, "OIDC").
      monitor: z.optional(
        z.strictObject(
          {
            clientId: z
              .string({ error: "expected the monitoring client's id the provider gave" })
              .check(z.minLength(1)),
            scopes: z.optional(
              z.array(ScopeSchema, { error: "expected a list of scopes, e.g. [member.read]" }),
            ),
          },
          {
            error:
              "expected {clientId: <the monitoring client's id>} (the secret never goes in the config file: set RXPORTAL_CLIENT_SECRET or use --client-secret-file)",
          },
        ),
      ),
    }),
  ],
  { error: "expected auth: {type: portal} or {type: oidc, issuer, clientId}" },
);
export type AuthConfig = z.infer<typeof AuthSchema>;

export const ProfileSchema = z.strictObject({
  baseUrl: BaseUrlSchema,
  officialHosts: z.optional(z.array(HostSchema, { error: "expected a list of host names" })),
  username: z.optional(z.string({ error: "expected a username string" }).check(z.minLength(1))),
  timeoutMs: z.optional(
    z
      .number({ error: "expected a number of milliseconds, e.g. 10000" })
      .check(
        z.refine(Number.isSafeInteger, { error: "expected a whole number of milliseconds" }),
        z.gte(100, { error: "expected at least 100 (milliseconds)" }),
        z.lte(600_000, { error: "expected at most 600000 (milliseconds)" }),
      ),
  ),
  paths: z.optional(PathOverridesSchema),
  auth: z.optional(AuthSchema),
  contacts: z.optional(
    z.union([z.literal("builtin"), ContactsDirectorySchema], {
      error: 'expected "builtin" or an inline contacts directory',
    }),
  ),
});

export const ConfigFileSchema = z.strictObject({
  defaultProfile: z.optional(z.string({ error: "expected a profile name" }).check(z.minLength(1))),
  profiles: z.optional(
    z.record(
      z
        .string()
        .check(z.regex(/^[A-Za-z0-9_.-]+$/, { error: "expected a profile name of letters, digits, _ . -" })),
      ProfileSchema,
      { error: "expected a map of profile names to profiles" },
    ),
  ),
});
export type ConfigFile = z.infer<typeof ConfigFileSchema>;
