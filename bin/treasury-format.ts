import { formatUnits } from 'ethers';
import { ledgerDecimals } from '#ledger';
import type { TreasuryChainStatus, TreasuryProposal, TreasuryStatus } from '#treasury';

/** `lanepay treasury status` as a readable table: one block per chain, then the open proposals. */
export function describeTreasury(status: TreasuryStatus): string {
  const chains = status.chains.length === 0 ? ['No chain of the registry has a treasury.'] : status.chains.map(describeChain);
  return [...chains, describeProposals(status.proposals)].join('\n\n');
}

/** Ledger minor units as the asset's decimal amount, with the asset: `1000000.5 USDC`, `250 USDC`. */
export function money(minor: string | null, asset: string): string {
  if (minor === null) return '-';
  const decimals = ledgerDecimals[asset];
  // formatUnits keeps one decimal on whole amounts ("250.0"): whole amounts read as whole.
  return `${decimals === undefined ? minor : formatUnits(BigInt(minor), decimals).replace(/\.0$/, '')} ${asset}`;
}

function describeChain(c: TreasuryChainStatus): string {
  const lines: [string, string][] = [['safe', c.safe]];
  const onChain = c.chain_threshold === null ? 'chain: unread' : c.chain_threshold === c.threshold ? 'same on the chain' : `the chain says ${c.chain_threshold}`;
  lines.push(['threshold', `${c.threshold} of ${c.owners.length} (${onChain})`]);
  for (const balance of c.balances) {
    lines.push([balance.asset, `${money(balance.on_chain, balance.asset)} on the chain, ${money(balance.ledger, balance.asset)} in the ledger (treasury:${c.chain})`]);
  }
  for (const owner of c.owners) {
    const member = owner.member ? `member ${owner.member.id} (${owner.member.email}${owner.member.status === 'revoked' ? ', revoked' : ''})` : 'no member bound';
    const listed = owner.on_chain === false ? ', not an owner on the chain' : '';
    lines.push([`owner ${owner.index}`, `${owner.address}  ${member}${listed}`]);
  }
  for (const wallet of c.hot_wallets) {
    const position = wallet.error ?? `${money(wallet.balance, wallet.asset)}, in flight ${money(wallet.in_flight, wallet.asset)} (${wallet.in_flight_count ?? 0}), available ${money(wallet.available, wallet.asset)}`;
    const plan = wallet.plan
      ? `plan over ${wallet.plan.lead_time_hours} h: needs ${money(wallet.plan.required, wallet.asset)}, top up ${money(wallet.plan.top_up, wallet.asset)}, dry ${(wallet.plan.dry_probability * 100).toFixed(1)} %${wallet.shortfall ? ' (SHORTFALL)' : ''}`
      : 'no plan yet';
    lines.push([`hot wallet ${wallet.asset}`, `${wallet.wallet ?? '-'}  ${position}; ${plan}`]);
  }
  for (const warning of c.warnings) lines.push(['warning', warning]);
  if (c.error) lines.push(['unavailable', c.error]);
  const width = Math.max(...lines.map(([label]) => label.length));
  return [`${c.chain} (chain id ${c.chain_id})`, ...lines.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}

function describeProposals(proposals: TreasuryStatus['proposals']): string {
  if (proposals.data.length === 0) return 'Open proposals: none';
  const more = proposals.has_more ? ' (newest first; more are open)' : '';
  return [`Open proposals: ${proposals.data.length}${more}`, ...proposals.data.map(describeProposal)].join('\n');
}

function describeProposal(p: TreasuryProposal): string {
  const to = p.to.account === 'hot_wallet' ? `${p.to.chain} hot wallet` : `${p.to.chain} treasury`;
  const approval = p.approval
    ? `approval ${p.approval.id} ${p.approval.status} ${p.approval.approvals}/${p.approval.approvals_required}, expires ${p.approval.expires_at}`
    : 'approval not found';
  const reason = Object.entries(p.reason).map(([key, value]) => `${key}=${value}`).join(', ');
  return [
    `  ${p.id}  ${p.status}  ${money(p.amount, p.asset)}  ${p.from.chain} treasury -> ${to} (${p.route})`,
    `    signatures ${p.signatures}/${p.threshold}${p.signed_by.length ? ` (owners ${p.signed_by.map((s) => s.owner).join(', ')})` : ''}; ${approval}`,
    `    reason: ${reason || '-'}`,
  ].join('\n');
}
