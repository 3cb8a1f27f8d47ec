import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { seedConsoleForecast } from '../demo/console-seed.js';
import { demoFilePath, writeDemoSeed } from '../demo/demo-file.js';
import { waitForInterrupt } from '../demo/interrupt.js';
import { describeDelivery, startDemoReceiver } from '../demo/receiver.js';
import { defaultWebhookUrl, seedDemo } from '../demo/seed.js';
import { json, readLocalStack } from '../stage.js';

export default defineCommand({
  name: 'demo seed',
  description: 'Creates a demo merchant, key, funds, webhook endpoint and payments; saves their ids for events/',
  localOnly: true,
  options: {
    'webhook-url': { type: 'string', default: defaultWebhookUrl, placeholder: 'url', description: 'where the demo endpoint sends events' },
    listen: {
      type: 'boolean',
      default: false,
      description: 'also run the demo receiver on the webhook URL\'s port and print deliveries as they arrive, until Ctrl-C',
    },
  },
  async run({ values, print }) {
    const webhookUrl = values['webhook-url'];
    const stack = readLocalStack();
    let secret: string | undefined;
    const receiver = values.listen
      ? await startDemoReceiver({
          port: listenPort(webhookUrl),
          secret: () => secret,
          onDelivery: (delivery) => console.error(describeDelivery(delivery)),
        })
      : undefined;
    try {
      const log = (line: string) => console.error(`  ${line}`);
      const seed = await seedDemo(stack, { webhookUrl, log, onEndpointSecret: (made) => (secret = made) });
      await seedConsoleForecast(log);
      const file = demoFilePath();
      writeDemoSeed(seed, file);
      print(json(seed));
      console.error(`Saved to ${file}: the samples in events/ use these ids (npm run invoke -- query events/query/get-payment.json).`);
      if (!receiver) {
        console.error('Deliveries wait for a receiver: `npm run lanepay -- demo receiver` prints them (failed attempts are retried).');
        return 0;
      }
      console.error(`Receiving on ${webhookUrl}; deliveries appear below (Ctrl-C stops).`);
      await waitForInterrupt();
      return 0;
    } finally {
      await receiver?.close();
    }
  },
});

/** --listen serves the webhook URL itself, so the URL must be this machine's. */
function listenPort(webhookUrl: string): number {
  const url = new URL(webhookUrl);
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(url.hostname) || url.port === '') {
    throw new StackError(`--listen needs an http://127.0.0.1:<port>/... webhook URL to listen on, not ${webhookUrl}.`);
  }
  return Number(url.port);
}
