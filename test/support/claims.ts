import type { BaseWallet } from 'ethers';
import { expect } from 'vitest';
import { readClaim } from '#lib/money/refunds/claims.js';
import { claimMessage } from '#lib/money/refunds/claim-message.js';
import { claimTermsOf } from '#lib/money/refunds/claim-items.js';
import { api } from './api.js';
import { clients } from './deps.js';
import { stack } from './stack.js';

/** The claim id at the end of a refund's claim_url. */
export function claimIdOf(refund: { claim_url?: string }): string {
  const id = refund.claim_url?.split('/').pop();
  expect(id, `claim_url ${refund.claim_url}`).toMatch(/^clm_[0-9a-f]{32}$/);
  return id!;
}

/** `wallet`'s personal_sign signature of the claim's message for `address` (by default its own), as a wallet makes it. */
export async function signClaim(claimId: string, wallet: BaseWallet, address: string = wallet.address): Promise<string> {
  const { claim } = await readClaim({ dynamodb: clients().dynamodb, tableName: stack().tableName }, claimId);
  return wallet.signMessage(claimMessage(claimTermsOf(claim), address));
}

/** POST /claims/{id}, as the claim page's script does: no key. */
export function postClaim(claimId: string, body: { address: string; signature: string }) {
  return api('POST', `/claims/${claimId}`, { body, idempotencyKey: false });
}
