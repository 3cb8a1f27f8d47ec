import { treasuryMerchant, type TreasuryShape } from '#merchants';
import { StackError } from '../scripts/stack/errors.js';
import { stageChainRegistry, type StageDeps } from './stage.js';

/**
 * The stage's treasury as its chain registry names it: how many owner keys the Safes have, and how
 * many sign. Every chain's treasury has the same owners in the same order (owner n is one KMS key,
 * one address, on every chain), so approvals and owner bindings are the stage's, not a chain's.
 */
export function stageTreasury(stage: string): TreasuryShape | undefined {
  const chains = stageChainRegistry(stage).chains.filter((chain) => chain.treasury);
  const [first] = chains;
  if (!first?.treasury) return undefined;
  const owners = first.treasury.owners.map((owner) => owner.address.toLowerCase()).join();
  for (const chain of chains) {
    if (chain.treasury!.threshold !== first.treasury.threshold || chain.treasury!.owners.map((owner) => owner.address.toLowerCase()).join() !== owners) {
      throw new StackError(`The chain registry's treasuries differ: ${chain.name}'s owners or threshold are not ${first.name}'s. Owner n must be the same key, at the same threshold, on every chain.`);
    }
  }
  return { owners: first.treasury.owners.length, threshold: first.treasury.threshold };
}

/** `--merchant`, or with `--platform` the merchant the treasury's owners belong to (bound by the first `member add --owner`). */
export async function merchantOrPlatform(deps: Pick<StageDeps, 'dynamodb' | 'tableName'>, values: { merchant?: string | undefined; platform?: boolean | undefined }): Promise<string> {
  if (values.platform && values.merchant) throw new StackError('Give --merchant or --platform, not both.');
  if (values.merchant) return values.merchant;
  if (!values.platform) throw new StackError('--merchant is required (e.g. --merchant mer_01j...), or --platform for the platform merchant that holds the treasury.');
  const holder = await treasuryMerchant(deps);
  if (!holder) throw new StackError('No treasury owner is bound yet, so --platform names no merchant: bind the first owner with --merchant <the platform merchant> --owner 1.');
  return holder;
}
