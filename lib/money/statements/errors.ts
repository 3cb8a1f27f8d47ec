import { LanepayError } from '#platform';

/**
 * The statement asked for would not fit in one HTTP response (a Lambda answers at most 6 MB): the
 * window holds too many balance transactions. A shorter window does, and `lanepay statement` writes
 * any size to a file.
 */
export class StatementTooLargeError extends LanepayError<'statement_too_large'> {
  override name = 'StatementTooLargeError';
  constructor(readonly lines: number, readonly bytes: number, readonly maxBytes: number) {
    super('statement_too_large', `The statement holds ${lines} balance transactions (${bytes} bytes, over ${maxBytes}); ask for a shorter window.`, {
      extensions: { lines, errors: [{ field: 'to', message: 'must be earlier: the window holds too many balance transactions for one response' }] },
    });
  }
}

/** The window is well formed but not one a statement covers: `to` not after `from`, or too long for one request. */
export class StatementWindowError extends LanepayError<'statement_window_invalid'> {
  override name = 'StatementWindowError';
  constructor(readonly problemWithTo: string) {
    super('statement_window_invalid', `The statement's window is not one it can cover: \`to\` ${problemWithTo}.`, {
      extensions: { errors: [{ field: 'to', message: problemWithTo }] },
    });
  }
}
