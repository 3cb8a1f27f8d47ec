import { functionLogGroup, insightsQuery, CloudWatchLogsClient, localMetricData } from './metrics-log.js';
import { readLocalStack } from './stage.js';

/** An RPC endpoint's circuit as the functions last reported it (functions/commons/rpc-circuits.ts). */
export interface RpcCircuit {
  rpc: string;
  state: 'open' | 'closed';
  /** When the functions reported that state. */
  since: string;
}

export const circuitWindowMs = 3_600_000;
const chainFunctions = ['chain-submit', 'chain-check', 'chain-watch'];

/**
 * Per chain, the circuits the functions opened or closed in the last hour, latest state first seen
 * per RPC host: locally from the function log's EMF documents, on AWS from Logs Insights over the
 * chain functions' log groups. The functions' view, not the CLI's: each container keeps its own
 * breaker, and any of them reporting an open circuit is news.
 */
export async function rpcCircuits(stage: string, nowMs = Date.now()): Promise<Map<string, RpcCircuit[]>> {
  const latest = new Map<string, { chain: string; rpc: string; open: boolean; atMs: number }>();
  const note = (chain: string, rpc: string, open: boolean, atMs: number) => {
    const key = `${chain} ${rpc}`;
    if ((latest.get(key)?.atMs ?? -1) <= atMs) latest.set(key, { chain, rpc, open, atMs });
  };
  if (stage === 'local') {
    for (const datum of await localMetricData(readLocalStack(), nowMs - circuitWindowMs, nowMs)) {
      const value = datum.values.RpcCircuitOpen?.[0];
      if (value !== undefined) note(String(datum.metadata.chain), String(datum.metadata.rpc), value === 1, datum.timestampMs);
    }
  } else {
    const logs = new CloudWatchLogsClient({});
    try {
      const rows = await insightsQuery(
        logs, chainFunctions.map((name) => functionLogGroup(stage, name)),
        'filter ispresent(RpcCircuitOpen) | stats latest(RpcCircuitOpen) as open, max(_aws.Timestamp) as at by chain, rpc',
        nowMs - circuitWindowMs, nowMs,
      );
      for (const row of rows) note(row.chain ?? '?', row.rpc ?? '?', row.open === '1', Number(row.at));
    } finally {
      logs.destroy();
    }
  }
  const byChain = new Map<string, RpcCircuit[]>();
  for (const { chain, rpc, open, atMs } of latest.values()) {
    byChain.set(chain, [...(byChain.get(chain) ?? []), { rpc, state: open ? 'open' : 'closed', since: new Date(atMs).toISOString() }]);
  }
  return byChain;
}
