// The embedded sandbox's demo member approving a device code by itself (`--sandbox --oidc`):
// what a member does in a browser (open the verification page, enter the code, confirm, sign in
// on the provider's page, consent), done over HTTP against the sandbox's own provider on this
// computer, through its real pages. A command run with `--sandbox --oidc` starts a fresh
// provider and ends it with the command, so nobody could approve in time otherwise; the
// standalone `rxportal sandbox --oidc` never does this (the member approves there).
// Loaded only by src/sandbox/oidc.ts when it is asked to.

interface Page {
  url: string;
  status: number;
  html: string;
}

const unescapeHtml = (text: string) =>
  text
    .replace(/&#x2F;/gi, "/")
    .replace(/&#x3D;/gi, "=")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

/** A browser without JavaScript: a cookie jar, redirects followed, forms posted. */
class FormClient {
  private readonly cookies = new Map<string, string>();

  get(url: string): Promise<Page> {
    return this.follow(url, { method: "GET" });
  }

  /** Posts the page's first form, with its hidden fields and `fields`. */
  submit(page: Page, fields: Record<string, string> = {}): Promise<Page> {
    const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(page.html);
    if (!form) throw new Error(`no form on ${page.url} (HTTP ${page.status})`);
    const action = unescapeHtml(/action="([^"]*)"/i.exec(form[1] ?? "")?.[1] ?? page.url);
    const values: Record<string, string> = {};
    for (const input of (form[2] ?? "").matchAll(/<input\b([^>]*)>/gi)) {
      const attrs = input[1] ?? "";
      const name = /name="([^"]*)"/i.exec(attrs)?.[1];
      const value = /value="([^"]*)"/i.exec(attrs)?.[1];
      if (name && value !== undefined) values[name] = unescapeHtml(value);
    }
    return this.follow(new URL(action, page.url).href, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...values, ...fields }).toString(),
    });
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

/** Approves `userCode` at the provider's verification page as the sandbox member `login`. */
export async function approveAsMember(
  verificationUri: string,
  userCode: string,
  login: string,
): Promise<void> {
  const browser = new FormClient();
  const input = await browser.get(verificationUri);
  const confirm = await browser.submit(input, { user_code: userCode });
  let page = await browser.submit(confirm);
  for (let step = 0; step < 4 && /name="prompt"/.test(page.html); step++) {
    page = /value="login"/.test(page.html)
      ? await browser.submit(page, { login, password: "sandbox" })
      : await browser.submit(page);
  }
  if (!/You are signed in/.test(page.html))
    throw new Error(`the approval ended at ${page.url} (HTTP ${page.status})`);
}
