import { KMSClient } from '@aws-sdk/client-kms';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { getAddress } from 'ethers';
import { KmsSigner } from '#chains';
import { treasuryMerchant } from '#merchants';
import { dynamodbClient, kmsClient, loadConfig, logger, metrics, sqsClient, treasuryConfigSchema } from '#platform';
import { hotWalletMoveMessage, treasuryChainOf, type TreasuryChain, type TreasuryWorkerDeps } from '#treasury';
import { chainAdapters, chainProviders } from './chain-adapters.js';

/**
 * The treasury function's dependencies, once per container: each chain with a treasury as the
 * executor sees it (its hot wallet's address read once from KMS), the relayer that sends, and per
 * owner the KMS client that signs as that owner: on AWS through the owner's role (only that role may
 * sign with the owner's key, infra/treasury.yml), locally with the emulator's key directly.
 */
let deps: TreasuryWorkerDeps | undefined;

/** Undefined until the first owner is bound (then the platform merchant is known): asked again on the next call. */
export async function treasuryWorkerDeps(): Promise<TreasuryWorkerDeps | undefined> {
  deps ??= await build();
  return deps;
}

async function build(): Promise<TreasuryWorkerDeps | undefined> {
  const config = loadConfig(treasuryConfigSchema);
  const dynamodb = dynamodbClient();
  const kms = kmsClient();
  const sqs = sqsClient();
  const { chains, adapter } = chainAdapters(config.CHAIN_REGISTRY);
  // The platform merchant is whoever the owners' members belong to: none bound, no treasury to run.
  const platformMerchantId = await treasuryMerchant({ dynamodb, tableName: config.TABLE_NAME });
  if (!platformMerchantId) return undefined;
  const treasuryChains = new Map<string, TreasuryChain>();
  for (const chain of chains.chains.filter((candidate) => candidate.treasury)) {
    treasuryChains.set(chain.name, await treasuryChainOf(chain, await adapter(chain.name).hotWalletAddress()));
  }
  const provider = chainProviders(chains);
  for (const chain of chains.chains.filter((candidate) => candidate.treasury)) {
    // A burn names this address the only relayer of its mint: a key that derives another could never mint.
    const relayer = await new KmsSigner(kms, chain.treasury!.relayerKeyId).getAddress();
    if (getAddress(relayer) !== getAddress(chain.treasury!.relayerAddress)) throw new Error(`${chain.name}'s relayer key derives ${relayer}, not the registry's relayerAddress ${chain.treasury!.relayerAddress}`);
  }
  const roleArns = config.TREASURY_OWNER_ROLE_ARNS.split(',').filter(Boolean);
  const ownerClients = new Map<number, KMSClient>();
  const known = <T>(map: Map<string, T>, name: string): T => {
    const value = map.get(name);
    if (!value) throw new Error(`chain ${name} has no treasury in the registry`);
    return value;
  };
  return {
    dynamodb, kms, tableName: config.TABLE_NAME, platformMerchantId, now: () => new Date(), fetch,
    attestationDeadlineMs: config.ATTESTATION_DEADLINE_SECONDS * 1000,
    actor: { type: 'system', id: 'treasury' },
    chain: (name) => known(treasuryChains, name),
    provider,
    // An approved move out of a hot wallet: chain-submit owns the wallet's key and nonces.
    requestMove: async (transfer) => {
      await sqs.send(new SendMessageCommand(hotWalletMoveMessage(config.CHAIN_SUBMIT_QUEUE_URL, transfer, new Date())));
    },
    sender: (name) => new KmsSigner(kms, chains.get(name)!.treasury!.relayerKeyId, provider(name)),
    ownerKms: (index) => {
      if (roleArns.length === 0) return kms;
      const roleArn = roleArns[index - 1];
      if (!roleArn) throw new Error(`no role for treasury owner ${index} (TREASURY_OWNER_ROLE_ARNS names ${roleArns.length})`);
      let client = ownerClients.get(index);
      if (!client) {
        client = new KMSClient({ maxAttempts: 4, credentials: fromTemporaryCredentials({ params: { RoleArn: roleArn, RoleSessionName: `lanepay-treasury-owner-${index}` } }) });
        ownerClients.set(index, client);
      }
      return client;
    },
    signal: (signal) => {
      if (signal.kind === 'drive_failed') {
        logger.error('treasury transfer not driven', { ...signal });
        metrics.addMetric('TreasuryDriveFailed', MetricUnit.Count, 1);
      } else if (signal.kind === 'attestation_overdue') {
        logger.error('CCTP attestation overdue', { ...signal });
        metrics.addMetric('AttestationOverdue', MetricUnit.Count, 1);
      } else {
        logger.info('treasury', { ...signal });
        if (signal.kind === 'transfer_outcome' && (signal.outcome === 'succeeded' || signal.outcome === 'failed')) metrics.addMetric(`TreasuryTransfer_${signal.outcome}`, MetricUnit.Count, 1);
      }
    },
  };
}
