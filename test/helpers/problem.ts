// An RFC 9457 problem answer for msw handlers, the way the contract shapes them. One builder for
// every unit test; a test that wants another request id passes its own X-Request-Id header.
import { HttpResponse } from "msw";

export function problemResponse(
  status: number,
  code: string,
  extras: object = {},
  headers: Record<string, string> = {},
): Response {
  // Headers, not a plain object: a caller's "x-request-id" must replace the default, not join it.
  const all = new Headers({ "Content-Type": "application/problem+json", "X-Request-Id": `req-${status}` });
  for (const [name, value] of Object.entries(headers)) all.set(name, value);
  return HttpResponse.json(
    { type: "about:blank", title: code, status, code, ...extras },
    { status, headers: all },
  );
}
