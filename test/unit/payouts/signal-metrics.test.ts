import { afterEach, describe, expect, it, vi } from 'vitest';

// The alarms in infra/queues.yml watch HotWalletLiquidityLow and ChainUnavailable with the service
// dimension alone; a CloudWatch alarm matches one exact dimension set.
// Powertools reads its environment when the module loads; the module is loaded while the file is
// collected (it pulls in the AWS SDK and ethers: seconds on a loaded machine), not inside the test.
vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'chain-submit');
vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'Lanepay');
vi.stubEnv('POWERTOOLS_DEV', 'false');
const { emitSignal } = await import('../../../functions/commons/payout-deps.js');

describe('payout signal metrics', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('counts a signal per chain and once more under the service dimension alone, which the alarms watch', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    vi.spyOn(console, 'warn').mockImplementation(() => {});

    emitSignal({ kind: 'chain_unavailable', chain: 'local-a' });
    emitSignal({ kind: 'payout_stuck', chain: 'local-a', paymentId: 'pay_1', wallet: '0xab', nonce: 3, reason: 'nonce_used_by_unrecorded_transaction' });

    const emf = lines.flatMap((line) => line.split('\n')).filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line));
    for (const metric of ['ChainUnavailable', 'PayoutStuck']) {
      const dimensionSets = emf.filter((record) => metric in record).map((record) => record._aws.CloudWatchMetrics[0].Dimensions[0].sort());
      expect(dimensionSets, metric).toContainEqual(['service']);
      expect(dimensionSets, metric).toContainEqual(['chain', 'service']);
    }
  });
});
