/// <reference lib="dom" />
import type { JSX } from 'preact';
import { DateTime, Loaded, Section, useResource } from '../components.js';
import { useConsole } from '../context.js';
import { explorerLink, formatDateTime } from '../format.js';

/** GET /v1/audit/status: the last closed period, its anchor, and that period verified per lane. */
interface AuditStatus {
  merchant_id: string;
  period: { id: string; cut_at: string; closed_at: string; root: string; size: number; previous_period_id: string | null } | null;
  anchor: { chain: string; chain_id: number; tx_hash: string; from: string; explorer_url: string | null } | null;
  verification: {
    ok: boolean;
    checked_at: string;
    records_checked: number;
    broken: { kind: string; lane: number | null; seq: number | null; detail: string } | null;
    anchor_checked: boolean;
  } | null;
  lanes: { lane: number; first_seq: number; last_seq: number; status: 'ok' | 'broken' | 'not_checked' }[];
}

export function Audit(): JSX.Element {
  const { t, chains, locale } = useConsole();
  const status = useResource<AuditStatus>('/v1/audit/status');
  return (
    <>
      <h1>{t('auditTitle')}</h1>
      <Loaded resource={status}>
        {(found) => {
          if (!found.period) return <p class="empty">{t('noPeriod')}</p>;
          const { anchor, verification } = found;
          const link = anchor ? (anchor.explorer_url ?? explorerLink(chains.find((chain) => chain.name === anchor.chain)?.explorer_tx_url, anchor.tx_hash)) : undefined;
          return (
            <>
              <Section title={t('lastPeriod')}>
                <dl>
                  <dt>{t('id')}</dt>
                  <dd class="mono">{found.period.id}</dd>
                  <dt>{t('periodClosed')}</dt>
                  <dd>
                    <DateTime iso={found.period.closed_at} />
                  </dd>
                  <dt>{t('recordCount')}</dt>
                  <dd>{found.period.size}</dd>
                  <dt>{t('merkleRoot')}</dt>
                  <dd class="mono">{found.period.root}</dd>
                  <dt>{t('anchor')}</dt>
                  <dd class="mono">
                    {anchor ? (
                      link ? (
                        <a href={link} target="_blank" rel="noreferrer noopener" aria-label={t('openInExplorer', { hash: anchor.tx_hash })}>
                          {anchor.tx_hash}
                        </a>
                      ) : (
                        `${anchor.tx_hash} (${anchor.chain})`
                      )
                    ) : (
                      t('txHashNone')
                    )}
                  </dd>
                  <dt>{t('verify')}</dt>
                  <dd class={verification?.ok ? 'ok' : 'shortfall'}>
                    {verification === null
                      ? t('verifyNotChecked')
                      : verification.ok
                        ? t('verifySummary', { count: verification.records_checked, time: formatDateTime(verification.checked_at, locale) })
                        : t('verifyBroken', { lane: verification.broken?.lane ?? '—', seq: verification.broken?.seq ?? '—', detail: verification.broken?.detail ?? verification.broken?.kind ?? '—' })}
                  </dd>
                </dl>
              </Section>
              <Section title={t('lanes')}>
                {found.lanes.length === 0 ? (
                  <p class="empty">{t('empty')}</p>
                ) : (
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t('lane')}</th>
                        <th scope="col">{t('recordsRange')}</th>
                        <th scope="col">{t('verify')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {found.lanes.map((lane) => (
                        <tr key={lane.lane}>
                          <th scope="row">{lane.lane}</th>
                          <td>
                            {lane.first_seq}–{lane.last_seq}
                          </td>
                          <td class={lane.status === 'broken' ? 'shortfall' : lane.status === 'ok' ? 'ok' : ''}>
                            {lane.status === 'ok' ? t('verifyOk') : lane.status === 'broken' ? t('laneBroken') : t('verifyNotChecked')}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </Section>
            </>
          );
        }}
      </Loaded>
    </>
  );
}
