import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CircuitChange, FailoverOptions } from '#chains';
import { logger, metrics } from '#platform';

/**
 * Each RPC endpoint's circuit, as the functions see it, in metrics: `RpcCircuitOpen` 1 when it
 * opens and 0 when a call through it succeeds again, its own EMF document with the chain and the
 * RPC host, which `lanepay chain status` reads back (locally from the function log).
 */
export function recordCircuitChange(change: CircuitChange): void {
  const datum = metrics.singleMetric();
  datum.addMetadata('chain', change.chain);
  datum.addMetadata('rpc', change.host);
  datum.addMetric('RpcCircuitOpen', MetricUnit.Count, change.state === 'open' ? 1 : 0);
  if (change.state === 'open') logger.warn('rpc circuit opened', { ...change });
  else logger.info('rpc circuit closed', { ...change });
}

/** FailoverRpc options with the circuit metric, for every function that calls chains. */
export function rpcOptions(extra: FailoverOptions = {}): FailoverOptions {
  return { ...extra, onCircuitChange: recordCircuitChange };
}
