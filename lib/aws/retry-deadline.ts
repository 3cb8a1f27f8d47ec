/**
 * When every retry of one DynamoDB command gives up: set by the first retry middleware to see the
 * command (the audit rebuild, outside the conflict retry) in the command's middleware context, so
 * retries nested in retries share one budget instead of multiplying theirs.
 */
export function retryDeadline(context: object, budgetMs: number): number {
  const shared = context as { lanepayGiveUpAt?: number };
  shared.lanepayGiveUpAt ??= Date.now() + budgetMs;
  return shared.lanepayGiveUpAt;
}
