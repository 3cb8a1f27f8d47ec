import fs from 'node:fs';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { rpcChainReader, StatementFormatError, verifyStatement, type ChainReader } from '#money';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { json, requiredOption } from '../stage.js';

/** Exit status when nothing is wrong but some lines cannot be proven yet (no closed period, anchor not mined). */
const unprovenExit = 3;

function publicKey(file: string): KeyObject {
  try {
    return createPublicKey(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StackError(`--public-key ${file} is not a PEM public key (as \`lanepay audit public-key\` prints): ${(error as Error).message}`);
  }
}

export default defineCommand({
  name: 'statement verify',
  description: 'Checks a statement file with the audit public key and chain RPCs only: every line\'s record, proof, signature, anchor and on-chain transfer; exits 1 naming the line changed, left out or reordered, 3 if some lines are not provable yet',
  options: {
    'public-key': { type: 'string', placeholder: 'file.pem', description: 'the audit signing key, as `lanepay audit public-key` prints it (required)' },
    rpc: { type: 'string', multiple: true, placeholder: 'url', description: 'a JSON-RPC URL of a chain the statement names (anchors, deposits, payouts); repeat for several chains' },
    'anchor-address': { type: 'string', placeholder: '0x...', description: 'the anchoring wallet (`lanepay audit public-key --json`): anchors from any other sender are refused' },
  },
  async run({ values, positionals, print }) {
    const file = positionals[0];
    if (!file) throw new StackError('Name the statement file: lanepay statement verify statement.csv --public-key audit.pem --rpc <url>.');
    const key = publicKey(requiredOption(values['public-key'], 'public-key', 'audit.pem'));
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new StackError(`${file} cannot be read: ${(error as Error).message}`);
    }
    const chains: ChainReader[] = [];
    try {
      for (const url of values.rpc ?? []) chains.push(await rpcChainReader(url));
      const report = await verifyStatement(text, { publicKey: key, chains, ...(values['anchor-address'] ? { anchorAddress: values['anchor-address'] } : {}) });
      print(json(report));
      if (!report.ok) {
        console.error(`Statement ${file} does not verify: ${report.findings[0]!.detail}.`);
        return 1;
      }
      if (report.unproven.length > 0) {
        console.error(`Nothing wrong found, but ${report.unproven.length} of ${report.lines} line(s) cannot be proven yet: line ${report.unproven[0]!.line}: ${report.unproven[0]!.reason}.`);
        return unprovenExit;
      }
      return 0;
    } catch (error) {
      if (error instanceof StatementFormatError) throw new StackError(`${file} is not a Lanepay statement: ${error.message}.`);
      throw error;
    } finally {
      for (const chain of chains) chain.destroy();
    }
  },
});
