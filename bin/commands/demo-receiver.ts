import fs from 'node:fs';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { demoFilePath, readDemoSeed } from '../demo/demo-file.js';
import { describeDelivery, startDemoReceiver } from '../demo/receiver.js';
import { defaultReceiverPort } from '../demo/seed.js';
import { waitForInterrupt } from '../demo/interrupt.js';

export default defineCommand({
  name: 'demo receiver',
  description: 'Listens for webhook deliveries and prints each one, its signature verified, until Ctrl-C',
  localOnly: true,
  options: {
    port: { type: 'string', default: String(defaultReceiverPort), placeholder: 'port', description: 'where to listen on 127.0.0.1' },
    secret: { type: 'string', placeholder: 'whsec_...', description: "the endpoint's secret (default: the one `demo seed` saved in .local/demo.json)" },
  },
  async run({ values }) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new StackError(`--port ${values.port} is not a port number.`);
    const secret = () => values.secret ?? savedSecret();
    const receiver = await startDemoReceiver({ port, secret, onDelivery: (delivery) => console.log(describeDelivery(delivery)) }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') throw new StackError(`Port ${port} is taken: is a receiver already running? Pick another with --port.`);
      throw error;
    });
    console.error(`Listening on ${receiver.url}; deliveries appear below (Ctrl-C stops).`);
    await waitForInterrupt();
    await receiver.close();
    return 0;
  },
});

/** Read at each delivery, so a seed run after the receiver started is picked up. */
function savedSecret(): string | undefined {
  try {
    const file = demoFilePath();
    return fs.existsSync(file) ? readDemoSeed(file).endpoint_secret : undefined;
  } catch {
    return undefined;
  }
}
