/// <reference lib="dom" />
import { Fragment, type JSX } from 'preact';
import { Amount, DateTime, Link, Loaded, Section, useResource } from '../components.js';
import { decimalsFrom, useConsole } from '../context.js';
import type { WalletLiquidity } from '../forecast.js';
import { formatAmount, knownDecimals } from '../format.js';
import type { MessageKey } from '../messages.js';
import { Forecast } from './overview.js';

/** GET /v1/treasury, as far as the page reads it (lib/treasury/status/schema.ts is the whole of it). */
interface TreasuryChain {
  chain: string;
  safe: string;
  threshold: number;
  chain_threshold: number | null;
  owners: { index: number; address: string; on_chain: boolean | null; member: { id: string; email: string; status: string } | null }[];
  balances: { asset: string; on_chain: string | null; ledger: string }[];
  hot_wallets: WalletLiquidity[];
  warnings: string[];
  error: string | null;
}

interface Proposal {
  id: string;
  status: 'proposed' | 'executing' | 'burned' | 'minting' | 'succeeded' | 'failed';
  asset: string;
  amount: string;
  from: { chain: string };
  to: { chain: string; account: 'hot_wallet' | 'treasury' };
  reason: Record<string, string>;
  signatures: number;
  threshold: number;
  approval: { id: string; status: 'pending' | 'approved' | 'rejected' | 'expired' | 'canceled'; approvals: number; approvals_required: number; expires_at: string } | null;
  created_at: string;
}

interface TreasuryStatus {
  chains: TreasuryChain[];
  proposals: { data: Proposal[]; has_more: boolean };
}

export function Treasury(): JSX.Element {
  const { t } = useConsole();
  const status = useResource<TreasuryStatus>('/v1/treasury');
  return (
    <>
      <h1>{t('treasuryTitle')}</h1>
      <Loaded resource={status}>
        {(body) => (
          <>
            {body.chains.length === 0 ? <p class="empty">{t('treasuryNone')}</p> : body.chains.map((chain) => <ChainTreasury key={chain.chain} chain={chain} />)}
            <Proposals status={body} />
          </>
        )}
      </Loaded>
    </>
  );
}

function ChainTreasury(props: { chain: TreasuryChain }): JSX.Element {
  const { t } = useConsole();
  const { chain } = props;
  const yesNo = (value: boolean | null) => (value === null ? '—' : t(value ? 'yes' : 'no'));
  return (
    <Section title={t('treasuryChain', { chain: chain.chain })}>
      {chain.error ? <p role="alert" class="error">{t('safeUnavailable', { reason: chain.error })}</p> : null}
      {chain.warnings.length > 0 ? (
        <div role="alert">
          <ul>
            {chain.warnings.map((warning) => (
              <li key={warning} class="error">{warning}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <dl>
        <dt>{t('safe')}</dt>
        <dd class="mono">{chain.safe}</dd>
        <dt>{t('threshold')}</dt>
        <dd>
          {t('thresholdOf', { threshold: chain.threshold, owners: chain.owners.length })}
          {' · '}
          {chain.chain_threshold === null ? t('thresholdUnread') : t('thresholdOnChain', { threshold: chain.chain_threshold })}
        </dd>
      </dl>
      <table aria-label={t('treasuryBalances', { chain: chain.chain })}>
        <thead>
          <tr>
            <th scope="col">{t('asset')}</th>
            <th scope="col">{t('onChain')}</th>
            <th scope="col">{t('inLedger')}</th>
          </tr>
        </thead>
        <tbody>
          {chain.balances.map((balance) => (
            <tr key={balance.asset}>
              <th scope="row">{balance.asset}</th>
              <td><Amount minor={balance.on_chain} asset={balance.asset} /></td>
              <td><Amount minor={balance.ledger} asset={balance.asset} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      <table aria-label={t('treasuryOwners', { chain: chain.chain })}>
        <thead>
          <tr>
            <th scope="col">{t('owner')}</th>
            <th scope="col">{t('address')}</th>
            <th scope="col">{t('boundMember')}</th>
            <th scope="col">{t('ownerListed')}</th>
          </tr>
        </thead>
        <tbody>
          {chain.owners.map((owner) => (
            <tr key={owner.index}>
              <th scope="row">{owner.index}</th>
              <td class="mono">{owner.address}</td>
              <td>{owner.member ? `${owner.member.email}${owner.member.status === 'revoked' ? ` (${t('memberStatus_revoked')})` : ''}` : t('noMemberBound')}</td>
              <td>{yesNo(owner.on_chain)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <HotWallets chain={chain} />
    </Section>
  );
}

function HotWallets(props: { chain: TreasuryChain }): JSX.Element {
  const { t, locale, chains } = useConsole();
  const topUp = (wallet: WalletLiquidity) => {
    const plan = (wallet.plan ?? null) as { top_up?: string } | null;
    if (!plan) return t('planNone');
    const decimals = decimalsFrom(chains, wallet.asset, knownDecimals[wallet.asset]) ?? 0;
    return plan.top_up && BigInt(plan.top_up) > 0n ? t('planTopUp', { amount: formatAmount(plan.top_up, wallet.asset, locale, decimals) }) : t('planNoTopUp');
  };
  return (
    <table aria-label={t('treasuryHotWallets', { chain: props.chain.chain })}>
      <thead>
        <tr>
          <th scope="col">{t('asset')}</th>
          <th scope="col">{t('wallet')}</th>
          <th scope="col">{t('available')}</th>
          <th scope="col">{t('plan')}</th>
        </tr>
      </thead>
      <tbody>
        {props.chain.hot_wallets.map((wallet) => (
          <tr key={wallet.asset}>
            <th scope="row">{wallet.asset}</th>
            <td class="mono">
              {wallet.wallet ?? '—'}
              {wallet.error ? <div class="error">{wallet.error}</div> : null}
            </td>
            <td><Amount minor={wallet.available ?? null} asset={wallet.asset} /></td>
            <td>{topUp(wallet)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Proposals(props: { status: TreasuryStatus }): JSX.Element {
  const { t } = useConsole();
  const { data, has_more } = props.status.proposals;
  // The forecast that justified a proposal is the destination's: its hot wallet's, as this response carries it.
  const wallets = new Map(props.status.chains.flatMap((chain) => chain.hot_wallets).map((wallet) => [`${wallet.chain}#${wallet.asset}`, wallet] as const));
  return (
    <Section title={t('proposals')}>
      {data.length === 0 ? (
        <p class="empty">{t('noProposals')}</p>
      ) : (
        <ul class="cards">
          {data.map((proposal) => (
            <li key={proposal.id}>
              <ProposalCard proposal={proposal} wallet={wallets.get(`${proposal.to.chain}#${proposal.asset}`)} />
            </li>
          ))}
        </ul>
      )}
      {has_more ? <p class="hint">{t('moreProposals')}</p> : null}
    </Section>
  );
}

function ProposalCard(props: { proposal: Proposal; wallet: WalletLiquidity | undefined }): JSX.Element {
  const { t, locale, chains } = useConsole();
  const { proposal } = props;
  const decimals = decimalsFrom(chains, proposal.asset, knownDecimals[proposal.asset]) ?? 0;
  const to = t(proposal.to.account === 'hot_wallet' ? 'toHotWallet' : 'toTreasury', { chain: proposal.to.chain });
  const title = t('proposalTitle', { amount: formatAmount(proposal.amount, proposal.asset, locale, decimals), from: proposal.from.chain, to });
  const { approval } = proposal;
  return (
    <article aria-label={title} class="card">
      <h3>{title}</h3>
      <dl>
        <dt>{t('status')}</dt>
        <dd>{t(`transferStatus_${proposal.status}` as MessageKey)}</dd>
        <dt>{t('signatures')}</dt>
        <dd>{t('signaturesOf', { count: proposal.signatures, threshold: proposal.threshold })}</dd>
        <dt>{t('approval')}</dt>
        <dd>
          {approval ? (
            <>
              <Link to={{ page: 'approvals' }}>
                {t('approvalLink', { id: approval.id, status: t(`approvalStatus_${approval.status}`), count: approval.approvals, required: approval.approvals_required })}
              </Link>
              {' · '}
              {t('expires')} <DateTime iso={approval.expires_at} />
            </>
          ) : (
            t('approvalMissing')
          )}
        </dd>
        <dt>{t('proposedAt')}</dt>
        <dd><DateTime iso={proposal.created_at} /></dd>
        <dt>{t('reason')}</dt>
        <dd>
          <dl class="reason">
            {Object.entries(proposal.reason).map(([key, value]) => (
              <Fragment key={key}>
                <dt>{key}</dt>
                <dd>{value}</dd>
              </Fragment>
            ))}
          </dl>
        </dd>
        <dt>{t('transferId')}</dt>
        <dd class="mono">{proposal.id}</dd>
      </dl>
      {props.wallet ? <Forecast wallet={props.wallet} /> : <p class="empty">{t('forecastNone', { chain: proposal.to.chain, asset: proposal.asset })}</p>}
    </article>
  );
}
