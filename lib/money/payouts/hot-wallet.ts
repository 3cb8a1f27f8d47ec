import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { Chain, ChainAdapter } from '#chains';
import { readItem } from '#platform';
import { RotationRefusedError } from './errors.js';
import { walletKey } from './items.js';

type Db = { dynamodb: DynamoDBClient; tableName: string };

/**
 * Which KMS key is a chain's hot wallet now. The registry's `hotWalletKeyId` until the first
 * rotation; from then on the CHAIN#<chain>/HOTWALLET item, which a deployed stack can change
 * without a redeploy (`lanepay chain rotate-wallet`). `draining`: a rotation to `nextKeyId` waits
 * for the old wallet's nonces to be mined; no payout takes a nonce meanwhile.
 */
export interface HotWalletConfig {
  chain: string;
  keyId: string;
  state: 'active' | 'draining';
  nextKeyId?: string;
  retiredKeyIds: string[];
  /** false: there is no item yet and the registry names the key. */
  stored: boolean;
}

export const hotWalletConfigKey = (chain: string) => ({ pk: { S: `CHAIN#${chain}` }, sk: { S: 'HOTWALLET' } });

export async function currentHotWallet(deps: Db, chain: Chain): Promise<HotWalletConfig> {
  const item = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: hotWalletConfigKey(chain.name), ConsistentRead: true }))).Item;
  return hotWalletFromItem(chain, item);
}

const storedHotWalletSchema = z.object({
  keyId: z.string(),
  state: z.enum(['active', 'draining']),
  nextKeyId: z.string().optional(),
  retiredKeyIds: z.array(z.string()).default([]),
});

/** The hot wallet a CHAIN#<chain>/HOTWALLET item names, or the registry's when there is none. */
export function hotWalletFromItem(chain: Chain, item: Record<string, AttributeValue> | undefined): HotWalletConfig {
  if (!item) return { chain: chain.name, keyId: chain.hotWalletKeyId, state: 'active', retiredKeyIds: [], stored: false };
  return { chain: chain.name, ...readItem(storedHotWalletSchema, item), stored: true };
}

/**
 * Goes into a nonce allocation's transaction: it commits only while `config` is still the active
 * hot wallet, so no payout can take a nonce of the old wallet once a rotation has begun.
 */
export function activeKeyCondition(tableName: string, config: HotWalletConfig): TransactWriteItem {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: hotWalletConfigKey(config.chain),
      ...(config.stored
        ? { ConditionExpression: 'keyId = :key AND #state = :active', ExpressionAttributeNames: { '#state': 'state' }, ExpressionAttributeValues: { ':key': { S: config.keyId }, ':active': { S: 'active' } } }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  };
}

/** Step 1 of a rotation: new payouts wait (status waiting_wallet). Repeating it with the same key is harmless. */
export async function beginRotation(deps: Db, chain: Chain, nextKeyId: string): Promise<HotWalletConfig> {
  const current = await currentHotWallet(deps, chain);
  if (current.state === 'draining') {
    if (current.nextKeyId === nextKeyId) return current;
    throw new RotationRefusedError(`A rotation of ${chain.name} to ${current.nextKeyId} is under way; finish it first.`);
  }
  if (nextKeyId === current.keyId || current.retiredKeyIds.includes(nextKeyId)) {
    throw new RotationRefusedError(`Key ${nextKeyId} is or was the hot wallet of ${chain.name}; rotate to a new key.`);
  }
  const item: Record<string, AttributeValue> = {
    ...hotWalletConfigKey(chain.name), entity: { S: 'hot-wallet' }, chain: { S: chain.name }, keyId: { S: current.keyId },
    state: { S: 'draining' }, nextKeyId: { S: nextKeyId }, retiredKeyIds: { L: current.retiredKeyIds.map((id) => ({ S: id })) },
  };
  try {
    await deps.dynamodb.send(new PutItemCommand({
      TableName: deps.tableName, Item: item,
      ConditionExpression: current.stored ? 'keyId = :key AND #state = :active' : 'attribute_not_exists(pk)',
      ...(current.stored ? { ExpressionAttributeNames: { '#state': 'state' }, ExpressionAttributeValues: { ':key': { S: current.keyId }, ':active': { S: 'active' } } } : {}),
    }));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new RotationRefusedError(`The hot wallet of ${chain.name} changed meanwhile; run the rotation again.`);
    throw error;
  }
  return { ...current, state: 'draining', nextKeyId, stored: true };
}

export interface DrainState {
  /** The next nonce Lanepay would have given the old wallet (its WALLET item); 0 when it never paid. */
  allocatedNonces: number;
  /** The old wallet's nonces mined at the chain's confirmation depth. */
  minedAtDepth: number;
  drained: boolean;
}

/**
 * Whether the old wallet has nothing in flight: every nonce Lanepay allocated to it is mined and
 * as deep as the chain's confirmations, so no replacement, fill or re-broadcast of it can ever be
 * signed again. Read after beginRotation, when no allocation for it can commit any more.
 */
export async function drainState(deps: Db, chain: Chain, oldWallet: ChainAdapter): Promise<DrainState> {
  const address = await oldWallet.hotWalletAddress();
  const item = (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: walletKey(chain.name, address), ConsistentRead: true }))).Item;
  const allocatedNonces = item?.nextNonce?.N ? Number(item.nextNonce.N) : 0;
  const head = await oldWallet.headBlock();
  const minedAtDepth = await oldWallet.minedNonce(Math.max(0, head - Math.max(chain.confirmations, 1) + 1));
  return { allocatedNonces, minedAtDepth, drained: minedAtDepth >= allocatedNonces };
}

/** Step 2, once drained: the new key becomes the hot wallet and waiting payouts take its nonces. */
export async function completeRotation(deps: Db, chain: Chain, oldWallet: ChainAdapter): Promise<{ completed: boolean; drain: DrainState }> {
  const current = await currentHotWallet(deps, chain);
  if (current.state !== 'draining' || !current.nextKeyId) throw new RotationRefusedError(`No rotation of ${chain.name} is under way.`);
  if (oldWallet.keyId !== current.keyId) throw new RotationRefusedError(`The wallet being drained is ${current.keyId}, not ${oldWallet.keyId}.`);
  const drain = await drainState(deps, chain, oldWallet);
  if (!drain.drained) return { completed: false, drain };
  try {
    await deps.dynamodb.send(new UpdateItemCommand({
      TableName: deps.tableName, Key: hotWalletConfigKey(chain.name),
      UpdateExpression: 'SET keyId = :next, #state = :active, retiredKeyIds = list_append(retiredKeyIds, :old) REMOVE nextKeyId',
      ConditionExpression: '#state = :draining AND keyId = :oldKey AND nextKeyId = :next',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':next': { S: current.nextKeyId }, ':active': { S: 'active' }, ':draining': { S: 'draining' }, ':oldKey': { S: current.keyId }, ':old': { L: [{ S: current.keyId }] } },
    }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    // Another run of the command completed it first.
  }
  return { completed: true, drain };
}

/**
 * Every hot wallet of a chain, lowercase: the registry key's, the platform's past ones
 * (`ownAddresses`), and the keys a rotation names (current, next, retired). Money in any of them is
 * the chain's hot-wallet money: `hotwallet:<chain>` is one account per chain, whichever key paid.
 */
export async function hotWalletAddresses(deps: Db, chain: Chain, adapter: Pick<ChainAdapter, 'hotWalletAddress' | 'withKey'>): Promise<string[]> {
  const config = await currentHotWallet(deps, chain);
  const keyIds = [...new Set([config.keyId, ...(config.nextKeyId ? [config.nextKeyId] : []), ...config.retiredKeyIds])].filter((keyId) => keyId !== chain.hotWalletKeyId);
  const addresses = [await adapter.hotWalletAddress(), ...chain.ownAddresses, ...(await Promise.all(keyIds.map((keyId) => adapter.withKey(keyId).hotWalletAddress())))];
  return [...new Set(addresses.map((address) => address.toLowerCase()))];
}
