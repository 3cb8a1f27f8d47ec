/**
 * Receives Lanepay webhooks, checks their signature and prints each event.
 *   LANEPAY_WEBHOOK_SECRET=whsec_... PORT=3000 npx tsx sdk/examples/webhook-receiver.ts
 */
import http from 'node:http';
import { text } from 'node:stream/consumers';
import { LanepaySignatureVerificationError, webhooks } from '@lanepay/sdk';

const server = http.createServer(async (request, response) => {
  try {
    // The raw body, exactly as sent: the signature covers these bytes.
    const event = webhooks.verify(await text(request), request.headers, process.env.LANEPAY_WEBHOOK_SECRET!);
    console.log(`${event.type} ${event.data.object.id}`);
    response.writeHead(204).end();
  } catch (error) {
    response.writeHead(error instanceof LanepaySignatureVerificationError ? 400 : 500).end();
  }
});
server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => console.log(`listening on ${JSON.stringify(server.address())}`));
