import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP listener that answers 200 to anything: the URL webhook endpoints registered by
 * the contract fuzzer point at, so deliveries succeed and attempts get listed.
 */
export async function webhookSink(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
