// Types of scripts/pack.mjs, for the tests that call it.
export declare const INLINE_LIMIT: number;
export declare function packBundle(
  dir: string,
  files: string[],
  options?: { intoMain?: string[] },
): Promise<string[]>;
