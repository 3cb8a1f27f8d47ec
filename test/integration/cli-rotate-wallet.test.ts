import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { cliAgainstTestStack } from '../support/cli.js';
import { clients } from '../support/deps.js';
import { stack } from '../support/stack.js';

// Only refusals here: a real rotation would move the shared stack's hot wallet under other tests'
// payouts. The rotation itself is tested on a private table (test/integration/payouts/rotation.test.ts).
describe('lanepay chain rotate-wallet', () => {
  const cli = cliAgainstTestStack();
  afterAll(() => cli.cleanup());

  it('refuses a chain the registry does not name, and a missing --key, with exit code 1', async () => {
    const unknown = await cli.run(['chain', 'rotate-wallet', '--chain', 'nope', '--key', 'alias/x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No chain nope in the chain registry');
    const keyless = await cli.run(['chain', 'rotate-wallet', '--chain', 'local-a']);
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toContain('--key is required');
  });

  it('refuses a KMS key that gives no address before any payout is made to wait', async () => {
    const run = await cli.run(['chain', 'rotate-wallet', '--chain', 'local-a', '--key', 'alias/no-such-hot-wallet']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('KMS key alias/no-such-hot-wallet gives no address');
    const config = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: { pk: { S: 'CHAIN#local-a' }, sk: { S: 'HOTWALLET' } }, ConsistentRead: true }));
    expect(config.Item).toBeUndefined();
  });
});
