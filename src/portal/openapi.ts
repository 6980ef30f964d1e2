// OpenAPI 3.1 generated from the canonical zod schemas and the contract table (`npm run openapi`).
// A test compares the result with the committed openapi.json, so the two cannot drift apart.
import * as z from "zod/mini";
import "../zod-messages.js";
import { canonicalSchemaOf } from "./canonical.js";
import { type ContractOperation, maintenanceAnyPath, operations } from "./contract.js";
import { ProblemSchema } from "./schemas.js";

type JsonObject = Record<string, unknown>;

function jsonSchema(schema: z.ZodMiniType, io: "input" | "output"): JsonObject {
  const out = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonObject;
  delete out.$schema;
  return out;
}

function response(
  operationId: string,
  status: number,
  r: ContractOperation["responses"][number],
): JsonObject {
  const isProblem = status >= 400;
  const result: JsonObject = { description: r.description };
  // The document publishes the contract a portal should follow (the canonical shapes), not the
  // latitudes the client reads with (docs/portal-api.md lists those).
  const published = canonicalSchemaOf(operationId, status) ?? r.schema;
  if (published) {
    const schema = jsonSchema(published, "output");
    if (isProblem && r.codes) {
      const props = (schema.properties ?? {}) as JsonObject;
      props.code = { type: "string", enum: [...r.codes] };
      schema.properties = props;
    }
    result.content = { [isProblem ? "application/problem+json" : "application/json"]: { schema } };
  }
  const headers: JsonObject = {
    "X-Request-Id": { description: "Request id for support", schema: { type: "string" } },
  };
  for (const h of r.headers ?? []) headers[h] = { required: true, schema: { type: "string" } };
  result.headers = headers;
  return result;
}

export function buildOpenApi(): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const op of operations) {
    const entry: JsonObject = {
      operationId: op.id,
      summary: op.summary,
      responses: Object.fromEntries([
        ...Object.entries(op.responses).map(([status, r]) => [status, response(op.id, Number(status), r)]),
        ...(op.responses[503] ? [] : [["503", response(op.id, 503, maintenanceAnyPath)]]),
      ]),
    };
    if (op.auth) entry.security = [{ bearer: [] }];
    const parameters: JsonObject[] = [];
    for (const match of op.path.matchAll(/\{(\w+)\}/g)) {
      parameters.push({ name: match[1], in: "path", required: true, schema: { type: "string" } });
    }
    for (const q of op.query ?? []) {
      parameters.push({ name: q, in: "query", required: false, schema: { type: "string" } });
    }
    for (const h of op.requestHeaders ?? []) {
      parameters.push({ name: h, in: "header", required: true, schema: { type: "string", format: "uuid" } });
    }
    if (parameters.length) entry.parameters = parameters;
    if (op.request) {
      entry.requestBody = {
        required: true,
        content: { "application/json": { schema: jsonSchema(op.request, "input") } },
      };
    }
    const pathItem = paths[op.path] ?? {};
    pathItem[op.method.toLowerCase()] = entry;
    paths[op.path] = pathItem;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "rxportal member portal contract",
      version: "1.1.0",
      description:
        "The portal contract shared by the rxportal client, its sandbox portal and portal adapters. Generated from src/portal/schemas.ts; do not edit by hand.",
    },
    servers: [{ url: "https://portal.example.com/api/v1" }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { Problem: jsonSchema(ProblemSchema, "output") },
    },
    paths,
  };
}

export function renderOpenApi(): string {
  return `${JSON.stringify(buildOpenApi(), null, 2)}\n`;
}
