/**
 * A failure of the local stack that a developer can act on. Scripts print its message alone,
 * without a stack trace, and exit non-zero.
 */
export class StackError extends Error {
  override name = 'StackError';
}
