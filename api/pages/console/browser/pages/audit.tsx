/// <reference lib="dom" />
import type { JSX } from 'preact';
import { DateTime, Loaded, Section, useResource } from '../components.js';
import { useConsole } from '../context.js';
import { explorerLink } from '../format.js';

/** GET /v1/audit/status, read loosely: the names below are the ones the route answers. */
interface AuditStatus {
  period: { id?: string; from?: string; to?: string; start?: string; end?: string; closed_at?: string; records?: number; root?: string } | null;
  anchor: { tx_hash: string | null; chain: string | null; explorer_url?: string | null } | null;
  lanes: { lane: number | string; ok?: boolean; status?: string; error?: string | null; records?: number }[];
}

export function Audit(): JSX.Element {
  const { t, chains } = useConsole();
  const status = useResource<AuditStatus>('/v1/audit/status');
  return (
    <>
      <h1>{t('auditTitle')}</h1>
      <Loaded resource={status}>
        {(found) => {
          const anchor = found.anchor;
          const link = anchor?.tx_hash ? (anchor.explorer_url ?? explorerLink(chains.find((chain) => chain.name === anchor.chain)?.explorer_tx_url, anchor.tx_hash)) : undefined;
          return (
            <>
              <Section title={t('lastPeriod')}>
                {found.period ? (
                  <dl>
                    <dt>{t('lastPeriod')}</dt>
                    <dd>
                      <DateTime iso={found.period.from ?? found.period.start} /> – <DateTime iso={found.period.to ?? found.period.end ?? found.period.closed_at} />
                    </dd>
                    {found.period.root ? (
                      <>
                        <dt>Merkle root</dt>
                        <dd class="mono">{found.period.root}</dd>
                      </>
                    ) : null}
                    <dt>{t('anchor')}</dt>
                    <dd class="mono">
                      {anchor?.tx_hash ? (
                        link ? (
                          <a href={link} target="_blank" rel="noreferrer noopener" aria-label={t('openInExplorer', { hash: anchor.tx_hash })}>
                            {anchor.tx_hash}
                          </a>
                        ) : (
                          `${anchor.tx_hash} (${anchor.chain ?? ''})`
                        )
                      ) : (
                        t('txHashNone')
                      )}
                    </dd>
                  </dl>
                ) : (
                  <p class="empty">{t('noPeriod')}</p>
                )}
              </Section>
              <Section title={t('lanes')}>
                {found.lanes.length === 0 ? (
                  <p class="empty">{t('empty')}</p>
                ) : (
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t('lane')}</th>
                        <th scope="col">{t('recordCount')}</th>
                        <th scope="col">{t('verify')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {found.lanes.map((lane) => {
                        const ok = lane.ok ?? lane.status === 'ok';
                        return (
                          <tr key={lane.lane}>
                            <th scope="row">{lane.lane}</th>
                            <td>{lane.records ?? '—'}</td>
                            <td class={ok ? 'ok' : 'shortfall'}>{ok ? t('verifyOk') : t('verifyFailed', { reason: lane.error ?? lane.status ?? '—' })}</td>
                          </tr>
                        );
                      })}
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
