/** What a command's plain function returns: an exit code, or nothing for success. */
export type MainResult = number | undefined;
