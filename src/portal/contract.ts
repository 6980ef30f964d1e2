// Every operation of the portal contract (docs/portal-api.md) with every answer it may give, with
// its zod schemas: the table of ./operations.ts, each schema name resolved. This is the table
// openapi.json and the sandbox's conformance tests go through, row by row, and the one the client
// turns to for an answer its quick readers decline; what a portal should send where the reading
// is lenient is in ./canonical.ts (`canonicalSchemaOf`), which only the first two load.
import type * as z from "zod/mini";
import {
  maintenanceAnyPathRow,
  type OperationRow,
  operationRows,
  type ResponseRow,
  type SchemaName,
} from "./operations.js";
import * as r from "./registration-schemas.js";
import * as s from "./schemas.js";

export type { HttpMethod, SchemaName } from "./operations.js";

export interface ContractResponse extends Omit<ResponseRow, "schema"> {
  schema?: z.ZodMiniType;
}

export interface ContractOperation extends Omit<OperationRow, "request" | "responses"> {
  request?: z.ZodMiniType;
  responses: Readonly<Record<number, ContractResponse>>;
}

const byName = { ...s, ...r } as unknown as Record<SchemaName, z.ZodMiniType>;

/** The schema of that name. */
export function schemaNamed(name: SchemaName): z.ZodMiniType {
  return byName[name];
}

function resolved(row: ResponseRow): ContractResponse {
  return row.schema === undefined ? (row as ContractResponse) : { ...row, schema: schemaNamed(row.schema) };
}

export const operations: readonly ContractOperation[] = operationRows.map(
  ({ request, responses, ...row }) => ({
    ...row,
    ...(request === undefined ? {} : { request: schemaNamed(request) }),
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, response]) => [status, resolved(response)]),
    ),
  }),
);

/** Any path may answer 503 during maintenance, possibly with an HTML page from a proxy. */
export const maintenanceAnyPath: ContractResponse = resolved(maintenanceAnyPathRow);
