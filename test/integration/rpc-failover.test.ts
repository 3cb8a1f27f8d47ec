import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ChainUnavailableError } from '../../lib/chains/errors.js';
import { FailoverRpc } from '../../lib/chains/rpc.js';
import { chainByName } from '../support/chain.js';

/** An RPC endpoint that is up but broken: answers every request with 503, and counts them. */
async function brokenEndpoint() {
  let requests = 0;
  const server = http.createServer((_request, response) => {
    requests += 1;
    response.writeHead(503).end('unavailable');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('RPC failover', () => {
  it('answers from the next URL when the first fails, and skips a failing URL while its circuit is open', async () => {
    const broken = await brokenEndpoint();
    const chain = chainByName('local-a');
    let nowMs = 1_000_000;
    const rpc = new FailoverRpc('local-a', chain.chainId, [broken.url, chain.rpcUrl], { timeoutMs: 2_000, failureThreshold: 2, cooldownMs: 30_000, now: () => nowMs });

    for (let call = 0; call < 5; call += 1) expect(await rpc.call((p) => p.getBlockNumber())).toBeGreaterThan(0);
    // Two failures opened the circuit; the three calls after went straight to the healthy URL.
    const whileOpen = broken.requests();
    expect(whileOpen).toBe(2);
    nowMs += 31_000;
    await rpc.call((p) => p.getBlockNumber());
    expect(broken.requests()).toBeGreaterThan(whileOpen); // after the cool-down it is tried again
    await broken.close();
  });

  it('reports a chain whose every URL fails as unavailable, which callers treat as "wait", never as a failed payment', async () => {
    const broken = await brokenEndpoint();
    const rpc = new FailoverRpc('local-a', chainByName('local-a').chainId, [broken.url], { timeoutMs: 1_000 });
    await expect(rpc.call((p) => p.getBlockNumber())).rejects.toBeInstanceOf(ChainUnavailableError);
    await broken.close();
  });
});
