import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateAliasCommand, CreateKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { parse } from 'yaml';
import { KmsSigner } from '#lib/chains/kms-signer.js';
import { deployCctp } from './cctp.js';
import { fundAddress, type RunningChain } from './chains.js';
import { StackError } from './errors.js';
import { createSafe, deploySafeInfrastructure } from './safe.js';
import type { StackCctp, StackTreasury } from './types.js';

/**
 * The treasury on the local chains (docs/treasury.md): on every chain a Safe whose owners are the
 * treasury owner keys infra/treasury.yml declares (TreasuryOwnerKey1..N, created in local-kms like
 * every key of the template), and CCTP V2 (contracts/cctp) with each chain its own domain, each
 * messenger trusting the others' and minting the test USDC, and one attester: a KMS key the stack
 * creates here (on AWS, Circle attests), enabled in every transmitter.
 */
export interface TreasuryChainSpec extends Pick<RunningChain, 'name' | 'chainId' | 'rpcUrl' | 'usdcAddress'> {
  domain: number;
}

export interface DeployedTreasuries {
  chains: Map<string, { treasury: StackTreasury; cctp: Omit<StackCctp, 'attestationUrl'> }>;
  attester: { keyAlias: string; address: string; signer: KmsSigner };
}

/**
 * USDC the first chain's treasury Safe starts with, so a proposal has something to move. The other
 * chains' treasuries start empty: a hot wallet there that runs short is topped up across chains (CCTP).
 */
const treasuryFundingMinor = 1_000_000n * 10n ** 6n;

/** Gas for the relayer on every chain: it sends the Safe's executions and the mints. */
const relayerGasWei = 10n ** 20n;

const settingsFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'infra', 'settings.yml');

/** The stage's `treasuryThreshold` in infra/settings.yml: how many owners sign, on AWS and locally alike. */
export function treasuryThresholdSetting(stage = 'local'): number {
  const settings = parse(fs.readFileSync(settingsFile, 'utf8'), { merge: true }) as Record<string, { treasuryThreshold?: unknown }>;
  const threshold = settings[stage]?.treasuryThreshold;
  if (!Number.isInteger(threshold)) throw new StackError(`infra/settings.yml has no whole treasuryThreshold for stage ${stage}.`);
  return threshold as number;
}

/** The treasury owner keys among the template's keys, in owner order (1..N, no gap). */
export function treasuryOwnerKeys(keys: Record<string, string>): { index: number; keyAlias: string }[] {
  const owners = Object.entries(keys)
    .flatMap(([logicalId, keyAlias]) => {
      const match = /^TreasuryOwnerKey(\d+)$/.exec(logicalId);
      return match ? [{ index: Number(match[1]), keyAlias }] : [];
    })
    .sort((a, b) => a.index - b.index);
  if (owners.length < 2 || owners.some((owner, position) => owner.index !== position + 1)) {
    throw new StackError(`infra/treasury.yml must declare treasury owner keys TreasuryOwnerKey1..N (N ≥ 2) with aliases; found ${owners.map((o) => o.index).join(', ') || 'none'}.`);
  }
  return owners;
}

/** Creates the local attester's KMS key and alias (there is no attester on AWS: Circle's attest there). */
async function createAttester(kms: KMSClient, stage: string): Promise<{ keyAlias: string; signer: KmsSigner; address: string }> {
  const key = await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_SECG_P256K1', KeyUsage: 'SIGN_VERIFY', Description: 'Local CCTP attester (the stack\'s attestation service)' }));
  const keyAlias = `alias/lanepay-${stage}-cctp-attester`;
  await kms.send(new CreateAliasCommand({ AliasName: keyAlias, TargetKeyId: key.KeyMetadata!.KeyId! }));
  const signer = new KmsSigner(kms, keyAlias);
  return { keyAlias, signer, address: await signer.getAddress() };
}

/**
 * Deploys CCTP on all chains and a funded treasury Safe on each, all chains at once: the Safe's
 * contracts and the CCTP contracts go out side by side, so it costs a few blocks, not one per contract.
 */
export async function deployTreasuries(options: { chains: TreasuryChainSpec[]; keys: Record<string, string>; kms: KMSClient; threshold: number; stage: string }): Promise<DeployedTreasuries> {
  const { chains, kms, threshold } = options;
  const ownerKeys = treasuryOwnerKeys(options.keys);
  if (threshold < 2 || threshold > ownerKeys.length) {
    throw new StackError(`treasuryThreshold ${threshold} (infra/settings.yml) must be at least 2 and at most the ${ownerKeys.length} owner keys of infra/treasury.yml.`);
  }
  const relayerAlias = options.keys.TreasuryRelayerKey;
  if (!relayerAlias) throw new StackError('infra/treasury.yml must declare TreasuryRelayerKey with an alias.');
  const [owners, attester, relayerAddress] = await Promise.all([
    Promise.all(ownerKeys.map(async (owner) => ({ ...owner, address: await new KmsSigner(kms, owner.keyAlias).getAddress() }))),
    createAttester(kms, options.stage),
    new KmsSigner(kms, relayerAlias).getAddress(),
  ]);
  const relayer = { keyAlias: relayerAlias, address: relayerAddress };
  const [cctp, safes] = await Promise.all([
    deployCctp(chains, [attester.address], 1),
    Promise.all(chains.map(async (chain) => {
      const infrastructure = await deploySafeInfrastructure(chain);
      const safe = await createSafe(chain, infrastructure, owners.map((owner) => owner.address), threshold, 0n);
      const funding = chain === chains[0] ? await fundAddress(chain, safe, { gasWei: 0n, usdcMinor: treasuryFundingMinor }) : undefined;
      await fundAddress(chain, relayer.address, { gasWei: relayerGasWei, usdcMinor: 0n });
      return { safe, multiSend: infrastructure.multiSendCallOnly, ...(funding ? { fundingTx: funding.usdcTx! } : {}) };
    })),
  ]);
  return {
    chains: new Map(chains.map((chain, index) => [chain.name, {
      treasury: { safe: safes[index]!.safe, multiSend: safes[index]!.multiSend, owners, threshold, relayer, ...(safes[index]!.fundingTx ? { fundingTx: safes[index]!.fundingTx } : {}) },
      cctp: { domain: cctp[index]!.domain, tokenMessenger: cctp[index]!.tokenMessenger, messageTransmitter: cctp[index]!.messageTransmitter },
    }])),
    attester,
  };
}
