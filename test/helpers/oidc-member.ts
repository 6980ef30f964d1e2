// The member's side of a sign-in at a real oidc-provider, over HTTP: what a person does in a
// browser (open the device page, type the code, sign in on the provider's page, consent), done
// with fetch, a cookie jar and the forms the provider serves. No provider internals are touched.
import type { OidcSettings } from "../../src/config/load.js";

interface Page {
  url: string;
  status: number;
  html: string;
}

/** A browser without JavaScript: cookies, redirects followed, forms posted. */
export class FormBrowser {
  private readonly cookies = new Map<string, string>();

  async get(url: string): Promise<Page> {
    return this.follow(url, { method: "GET" });
  }

  async post(url: string, fields: Record<string, string>): Promise<Page> {
    return this.follow(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Posts the page's first form whose action matches, with its hidden fields and `fields`. */
  async submit(page: Page, fields: Record<string, string> = {}, formIndex = 0): Promise<Page> {
    const forms = [...page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)];
    const form = forms[formIndex];
    if (!form)
      throw new Error(`no form on ${page.url} (status ${page.status}):\n${page.html.slice(0, 2000)}`);
    const action = /action="([^"]*)"/i.exec(form[1] ?? "")?.[1] ?? page.url;
    const values: Record<string, string> = {};
    for (const input of (form[2] ?? "").matchAll(/<input\b([^>]*)>/gi)) {
      const attrs = input[1] ?? "";
      const name = /name="([^"]*)"/i.exec(attrs)?.[1];
      const value = /value="([^"]*)"/i.exec(attrs)?.[1];
      if (name && value !== undefined) values[name] = value.replace(/&amp;/g, "&").replace(/&#x2F;/g, "/");
    }
    return this.post(new URL(action.replace(/&amp;/g, "&"), page.url).href, { ...values, ...fields });
  }

  private async follow(url: string, init: RequestInit, hops = 0): Promise<Page> {
    if (hops > 20) throw new Error(`too many redirects at ${url}`);
    const headers = new Headers(init.headers);
    const jar = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (jar) headers.set("cookie", jar);
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      return this.follow(new URL(location, url).href, { method: "GET" }, hops + 1);
    }
    return { url, status: response.status, html: await response.text() };
  }
}

/**
 * Approves a device code as the member `login` would: the verification page, the code, the
 * confirmation, the provider's sign-in page, the consent page. Returns the last page.
 */
export async function approveDevice(verificationUri: string, userCode: string, login: string): Promise<Page> {
  const browser = new FormBrowser();
  const input = await browser.get(verificationUri);
  const confirm = await browser.submit(input, { user_code: userCode });
  let page = await browser.submit(confirm);
  for (let step = 0; step < 4 && /name="prompt"/.test(page.html); step++) {
    page = /value="login"/.test(page.html)
      ? await browser.submit(page, { login, password: "any" })
      : await browser.submit(page);
  }
  return page;
}

/** Refuses a device code at the provider (the confirmation page's Abort button). */
export async function denyDevice(verificationUri: string, userCode: string): Promise<Page> {
  const browser = new FormBrowser();
  const input = await browser.get(verificationUri);
  const confirm = await browser.submit(input, { user_code: userCode });
  return browser.submit(confirm, { abort: "yes" });
}

/** What the OIDC flows need from a run, for tests that call them in-process. */
export const oidcDeps = () => ({
  clock: { now: () => Date.now() },
  signal: new AbortController().signal,
  fetchOverride: globalThis.fetch,
  env: {},
});

/** The profile settings of a test's OIDC sandbox: its provider, the sandbox API's audience. */
export function oidcSettings(provider: { issuer: string; clientId: string; audience: string }): OidcSettings {
  return {
    type: "oidc",
    issuer: provider.issuer,
    clientId: provider.clientId,
    scopes: ["openid", "profile", "offline_access"],
    audience: provider.audience,
    redirectPort: 0,
  };
}
