/// <reference lib="dom" />
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { Amount, DateTime, Link, Loaded, LoadMore, Section, useResource, usePagedList, type ListPage } from '../components.js';
import { useConsole } from '../context.js';
import { explorerLink, formatLatency } from '../format.js';
import { paymentsListPath, type PaymentFilters } from '../routes.js';

export interface Payment {
  id: string;
  status: string;
  amount: string;
  fee: string;
  asset: string;
  chain: string;
  destination: string | null;
  description: string | null;
  created_at: string;
  tx_hash: string | null;
  decline_code: string | null;
  failure_code: string | null;
  approval_id?: string;
}

export const paymentStatuses = ['requires_approval', 'authorized', 'processing', 'succeeded', 'failed', 'canceled', 'expired', 'declined'] as const;

export function Payments(props: { filters: PaymentFilters }): JSX.Element {
  const { t, chains, navigate, status } = useConsole();
  const list = usePagedList<Payment>(paymentsListPath(props.filters), 100);
  const [draft, setDraft] = useState<PaymentFilters>(props.filters);
  return (
    <>
      <h1>{t('paymentsTitle')}</h1>
      <form
        class="filters"
        aria-label={t('filters')}
        onSubmit={(event) => {
          event.preventDefault();
          navigate({ page: 'payments', filters: draft });
        }}
      >
        <label>
          {t('status')}
          <select value={draft.status ?? ''} onChange={(event) => setDraft({ ...draft, status: event.currentTarget.value || undefined })}>
            <option value="">{t('anyStatus')}</option>
            {paymentStatuses.map((code) => (
              <option key={code} value={code}>
                {status(code)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('chain')}
          <select value={draft.chain ?? ''} onChange={(event) => setDraft({ ...draft, chain: event.currentTarget.value || undefined })}>
            <option value="">{t('anyChain')}</option>
            {chains.map((chain) => (
              <option key={chain.name} value={chain.name}>
                {chain.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('fromDate')}
          <input type="date" value={draft.from ?? ''} onInput={(event) => setDraft({ ...draft, from: event.currentTarget.value || undefined })} />
        </label>
        <label>
          {t('toDate')}
          <input type="date" value={draft.to ?? ''} onInput={(event) => setDraft({ ...draft, to: event.currentTarget.value || undefined })} />
        </label>
        <button type="submit">{t('applyFilters')}</button>
        <button
          type="button"
          onClick={() => {
            setDraft({});
            navigate({ page: 'payments', filters: {} });
          }}
        >
          {t('clearFilters')}
        </button>
      </form>
      <Loaded resource={list} isEmpty={(payments) => payments.length === 0}>
        {(payments) => (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('id')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('amount')}</th>
                <th scope="col">{t('chain')}</th>
                <th scope="col">{t('created')}</th>
              </tr>
            </thead>
            <tbody>
              {payments
                .map((payment) => (
                  <tr key={payment.id}>
                    <th scope="row">
                      <Link to={{ page: 'payment', id: payment.id }}>{payment.id}</Link>
                    </th>
                    <td>{status(payment.status)}</td>
                    <td>
                      <Amount minor={payment.amount} asset={payment.asset} />
                    </td>
                    <td>{payment.chain}</td>
                    <td>
                      <DateTime iso={payment.created_at} />
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <LoadMore list={list} />
    </>
  );
}

interface LanepayEvent {
  id: string;
  type: string;
  created_at: string;
}

export interface WebhookAttempt {
  id: string;
  event_id: string;
  attempt: number;
  created_at: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  succeeded: boolean;
  /** The endpoint the attempt went to (GET /v1/events/{id}/attempts). */
  endpoint?: { id: string; url: string };
}

export function PaymentDetail(props: { id: string }): JSX.Element {
  const { t, chains, status } = useConsole();
  const payment = useResource<Payment>(`/v1/payments/${encodeURIComponent(props.id)}`);
  const events = useResource<ListPage<LanepayEvent>>(`/v1/events?object_id=${encodeURIComponent(props.id)}`);
  return (
    <>
      <h1>{t('paymentTitle', { id: props.id })}</h1>
      <Loaded resource={payment}>
        {(found) => {
          const link = found.tx_hash ? explorerLink(chains.find((chain) => chain.name === found.chain)?.explorer_tx_url, found.tx_hash) : undefined;
          return (
            <dl>
              <dt>{t('status')}</dt>
              <dd>{status(found.status)}</dd>
              <dt>{t('amount')}</dt>
              <dd>
                <Amount minor={found.amount} asset={found.asset} />
              </dd>
              <dt>{t('fee')}</dt>
              <dd>
                <Amount minor={found.fee} asset={found.asset} />
              </dd>
              <dt>{t('chain')}</dt>
              <dd>{found.chain}</dd>
              <dt>{t('destination')}</dt>
              <dd class="mono">{found.destination ?? '—'}</dd>
              <dt>{t('txHash')}</dt>
              <dd class="mono">
                {found.tx_hash ? (
                  link ? (
                    <a href={link} rel="noreferrer noopener" target="_blank" aria-label={t('openInExplorer', { hash: found.tx_hash })}>
                      {found.tx_hash}
                    </a>
                  ) : (
                    found.tx_hash
                  )
                ) : (
                  t('txHashNone')
                )}
              </dd>
              {found.decline_code || found.failure_code ? (
                <>
                  <dt>{t('declineCode')}</dt>
                  <dd>{found.decline_code ?? found.failure_code}</dd>
                </>
              ) : null}
              <dt>{t('created')}</dt>
              <dd>
                <DateTime iso={found.created_at} />
              </dd>
            </dl>
          );
        }}
      </Loaded>
      <Section title={t('timeline')}>
        <Loaded resource={events} isEmpty={(list) => list.data.length === 0}>
          {(list) => (
            <ol class="timeline">
              {[...list.data].reverse().map((event) => (
                <li key={event.id}>
                  <DateTime iso={event.created_at} /> <strong>{event.type}</strong> <span class="mono">{event.id}</span>
                  <Attempts eventId={event.id} eventType={event.type} />
                </li>
              ))}
            </ol>
          )}
        </Loaded>
      </Section>
    </>
  );
}

/** One event's webhook deliveries: attempt, status code, latency. */
export function Attempts(props: { eventId: string; eventType: string }): JSX.Element {
  const { t, locale } = useConsole();
  const attempts = useResource<ListPage<WebhookAttempt>>(`/v1/events/${encodeURIComponent(props.eventId)}/attempts`);
  return (
    <Loaded resource={attempts} isEmpty={(list) => list.data.length === 0}>
      {(list) => (
        <table aria-label={t('deliveriesOf', { event: props.eventType })}>
          <thead>
            <tr>
              <th scope="col">{t('url')}</th>
              <th scope="col">{t('attempt')}</th>
              <th scope="col">{t('time')}</th>
              <th scope="col">{t('result')}</th>
              <th scope="col">{t('latency')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((attempt) => (
              <tr key={attempt.id}>
                <td class="mono">{attempt.endpoint?.url ?? '—'}</td>
                <td>{attempt.attempt}</td>
                <td>
                  <DateTime iso={attempt.created_at} />
                </td>
                <td>{attempt.succeeded ? t('delivered', { code: attempt.status_code ?? '—' }) : t('failed', { code: attempt.status_code ?? attempt.error ?? '—' })}</td>
                <td>{formatLatency(attempt.latency_ms, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Loaded>
  );
}
