// The prompter's shape, apart from either implementation (inquirer in prompts.ts, the line
// prompter in line-prompter.ts), so the two can share it without importing each other.

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

export interface Common {
  message: string;
  /** What to pass instead when there is no terminal, e.g. "--yes" or "--password-stdin". */
  noTty: string;
}

export interface Prompter {
  readonly interactive: boolean;
  input(opts: Common & { default?: string; validate?: (value: string) => true | string }): Promise<string>;
  /** Masked input: the characters never appear on screen. */
  password(opts: Common & { validate?: (value: string) => true | string }): Promise<string>;
  confirm(opts: Common & { default?: boolean }): Promise<boolean>;
  select<T>(opts: Common & { choices: Choice<T>[]; default?: T }): Promise<T>;
}
