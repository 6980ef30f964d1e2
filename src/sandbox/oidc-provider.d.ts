// The little of oidc-provider's API that src/sandbox/oidc.ts uses (the package ships no types;
// @types/oidc-provider would be one more dependency for two calls).
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  export default class Provider {
    constructor(issuer: string, configuration: unknown);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    // biome-ignore lint/suspicious/noExplicitAny: the provider's events pass (ctx, ...) of several shapes
    on(event: string, listener: (...args: any[]) => void): this;
  }
}
