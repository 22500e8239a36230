// One error path: code throws LitError, src/cli/main.ts catches it once and exits with its status.

/** Exit statuses, documented in `lit --help` and the README. */
export const EXIT = {
  ok: 0,
  noMatch: 1,
  usage: 2,
  ambiguous: 3,
  skipped: 4,
  io: 5,
} as const;

/** A failure the user can act on: a stable code, a message naming the file, and the exit status. */
export class LitError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitStatus: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'LitError';
  }
}
