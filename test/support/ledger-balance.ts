import { allAccountItems } from './deps.js';

/** A ledger account's posted balance (debits − credits) summed over its shards, e.g. `platform:treasury:local-a:USDC`. */
export async function accountBalance(tableName: string, account: string): Promise<bigint> {
  const items = (await allAccountItems(tableName)).filter((item) => item.pk!.S === `ACCOUNT#${account}`);
  return items.reduce((sum, item) => sum + BigInt(item.debitsPosted!.N!) - BigInt(item.creditsPosted!.N!), 0n);
}
