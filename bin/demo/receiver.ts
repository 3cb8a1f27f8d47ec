import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export interface ReceivedDelivery {
  id: string;
  type: string;
  verified: boolean;
  /** The payment or endpoint the event is about. */
  objectId: string;
  status?: string;
  problem?: string;
}

export interface DemoReceiverOptions {
  port: number;
  host?: string;
  /**
   * The endpoint's `whsec_` secret, asked for at each delivery: the seed creates the endpoint after
   * the receiver may have started, so the receiver reads the secret when it needs it.
   */
  secret: () => string | undefined;
  onDelivery: (delivery: ReceivedDelivery) => void;
}

/**
 * A merchant's webhook receiver in a few lines: verifies each delivery's Standard Webhooks
 * signature with the endpoint's secret and answers 2xx only to verified ones, so a forged or
 * misrouted delivery shows as a failed attempt in Lanepay (and is retried), as it would in production.
 */
export async function startDemoReceiver(options: DemoReceiverOptions) {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const payload = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      const delivery = verify(payload, headers, options.secret());
      options.onDelivery(delivery);
      response.writeHead(delivery.verified ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://${options.host ?? '127.0.0.1'}:${port}/webhooks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function verify(payload: string, headers: Record<string, string>, secret: string | undefined): ReceivedDelivery {
  const unverified = (problem: string): ReceivedDelivery => ({ ...summary(payload, headers), verified: false, problem });
  if (secret === undefined) return unverified('no endpoint secret known yet (run `lanepay demo seed`, or pass --secret)');
  try {
    new Webhook(secret).verify(payload, headers);
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    return unverified(`signature refused: ${error.message}`);
  }
  return { ...summary(payload, headers), verified: true };
}

function summary(payload: string, headers: Record<string, string>): Omit<ReceivedDelivery, 'verified'> {
  try {
    const event = JSON.parse(payload) as { id?: string; type?: string; data?: { object?: { id?: string; status?: string } } };
    return {
      id: event.id ?? headers['webhook-id'] ?? '?',
      type: event.type ?? '?',
      objectId: event.data?.object?.id ?? '?',
      ...(event.data?.object?.status ? { status: event.data.object.status } : {}),
    };
  } catch {
    return { id: headers['webhook-id'] ?? '?', type: '(not JSON)', objectId: '?' };
  }
}

/** One line per delivery, for people watching the receiver. */
export function describeDelivery(delivery: ReceivedDelivery): string {
  const mark = delivery.verified ? 'verified' : 'REFUSED ';
  const status = delivery.status ? ` → ${delivery.status}` : '';
  const problem = delivery.problem ? `  (${delivery.problem})` : '';
  return `${new Date().toISOString()}  ${mark}  ${delivery.type.padEnd(20)} ${delivery.id}  ${delivery.objectId}${status}${problem}`;
}
