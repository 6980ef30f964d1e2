// `login --web`: Authorization Code with PKCE in the member's browser, back to a loopback
// redirect on this computer (RFC 8252 section 7.3: http://127.0.0.1:<port>/callback, any free port
// unless the profile fixes one). The browser gets a short plain page; rxportal gets the code,
// checks state and the ID token's nonce, and redeems it with the PKCE verifier.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AuthRequiredError, CliError, InterruptedError } from "../../errors.js";
import type { OidcProvider, TokenSet } from "./provider.js";

/** How long `login --web` waits for the browser to come back. */
export const WEB_TIMEOUT_MS = 5 * 60_000;

export interface WebSignInOptions {
  port: number;
  signal: AbortSignal;
  /** Where the address to open is shown (stderr). */
  say(line: string): void;
  /** Opens the address in a browser where there is one (./browser.ts); true when one was started. */
  open?(url: string): boolean;
  timeoutMs?: number;
}

function answer(res: ServerResponse, status: number, title: string, text: string): void {
  const body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'",
    "referrer-policy": "no-referrer",
  });
  res.end(body);
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export async function webSignIn(provider: OidcProvider, opts: WebSignInOptions): Promise<TokenSet> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => resolve());
  }).catch((error: unknown) => {
    throw new CliError(
      `Could not listen on 127.0.0.1:${opts.port} for the browser's answer (${(error as Error).message}).`,
      64,
      { hint: "Close what uses that port, or set the profile's auth.redirectPort to 0 (any free port)." },
    );
  });
  const { port } = server.address() as AddressInfo;
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  try {
    const expected = { ...(await provider.authorization(redirectUri)), redirectUri };
    opts.say(`Open this address in a browser on this computer to sign in:\n${expected.url.href}`);
    if (opts.open?.(expected.url.href))
      opts.say("Your browser should open it now; if it does not, open the address yourself.");
    opts.say(
      `Waiting for the browser (up to ${Math.round((opts.timeoutMs ?? WEB_TIMEOUT_MS) / 60_000)} minutes; Ctrl-C stops)...`,
    );
    return await new Promise<TokenSet>((resolve, reject) => {
      let done = false;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        opts.signal.removeEventListener("abort", onAbort);
        fn();
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new AuthRequiredError("The browser did not come back with a sign-in in time.", {
                code: "web_timeout",
                hint: "Run `rxportal login --web` again, or `rxportal login` for a code to approve on any device.",
              }),
            ),
          ),
        opts.timeoutMs ?? WEB_TIMEOUT_MS,
      );
      const onAbort = () => finish(() => reject(new InterruptedError()));
      opts.signal.addEventListener("abort", onAbort, { once: true });
      server.on("request", (req, res) => {
        const url = new URL(req.url ?? "/", redirectUri);
        if (req.method !== "GET" || url.pathname !== "/callback" || done) {
          answer(res, 404, "Not here", "This address only takes the sign-in's answer.");
          return;
        }
        provider.redeem(url, expected).then(
          (tokens) => {
            answer(res, 200, "Signed in", "You are signed in to rxportal. You can close this tab.");
            finish(() => resolve(tokens));
          },
          (error: unknown) => {
            const message = error instanceof Error ? error.message : String(error);
            answer(res, 400, "Not signed in", `${escapeHtml(message)} Go back to rxportal.`);
            finish(() => reject(error));
          },
        );
      });
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
