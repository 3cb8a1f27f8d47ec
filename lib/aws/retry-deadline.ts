import type { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';

interface DeadlineContext {
  lanepayGiveUpAt?: number;
}

/**
 * When every retry of one DynamoDB command gives up: set by the first retry to see the command in the
 * command's middleware context (or by its sender, withRetryDeadline), so retries nested in retries
 * share one budget instead of multiplying theirs.
 */
export function retryDeadline(context: object, budgetMs: number): number {
  const shared = context as DeadlineContext;
  shared.lanepayGiveUpAt ??= Date.now() + budgetMs;
  return shared.lanepayGiveUpAt;
}

/**
 * The command, sent with a deadline its sender already counts down (a writer that retries on its own,
 * such as the audit writer): the client's conflict retry gives up then too, rather than starting a
 * budget of its own on each resend.
 */
export function withRetryDeadline(command: TransactWriteItemsCommand, giveUpAtMs: number): TransactWriteItemsCommand {
  command.middlewareStack.add(
    (next, context) => (args) => {
      (context as DeadlineContext).lanepayGiveUpAt = giveUpAtMs;
      return next(args);
    },
    { step: 'initialize', priority: 'high', name: 'lanepayRetryDeadline' },
  );
  return command;
}
