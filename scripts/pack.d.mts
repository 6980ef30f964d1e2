// Types of scripts/pack.mjs, for the tests that call it.
export declare const INLINE_LIMIT: number;
/** The first line of every pack file. */
export declare const PACK_START: string;
export declare function packBundle(
  dir: string,
  files: string[],
  options?: { intoMain?: string[] },
): Promise<string[]>;
