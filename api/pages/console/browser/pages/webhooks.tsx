/// <reference lib="dom" />
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, reasonOf } from '../api.js';
import { DateTime, Loaded, Notice, usePagedList, useResource, type ListPage } from '../components.js';
import { canAct, useConsole } from '../context.js';
import { formatLatency } from '../format.js';
import type { WebhookAttempt } from './payments.js';

interface Endpoint {
  id: string;
  url: string;
  events: string[];
  status: string;
  created_at: string;
}

export function Webhooks(): JSX.Element {
  const { t } = useConsole();
  const list = usePagedList<Endpoint>('/v1/webhook_endpoints');
  return (
    <>
      <h1>{t('webhooksTitle')}</h1>
      <Loaded resource={list} isEmpty={(endpoints) => endpoints.length === 0}>
        {(endpoints) => (
          <ul class="cards">
            {endpoints.map((endpoint) => (
              <li key={endpoint.id}>
                <EndpointCard endpoint={endpoint} />
              </li>
            ))}
          </ul>
        )}
      </Loaded>
    </>
  );
}

function EndpointCard(props: { endpoint: Endpoint }): JSX.Element {
  const { t, member, locale, status } = useConsole();
  const { endpoint } = props;
  const attempts = useResource<ListPage<WebhookAttempt>>(`/v1/webhook_endpoints/${encodeURIComponent(endpoint.id)}/attempts?limit=20`);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const admin = canAct(member, 'admin');
  const act = async (run: () => Promise<string>) => {
    setNotice(null);
    try {
      setNotice({ kind: 'ok', text: await run() });
    } catch (error) {
      setNotice({ kind: 'error', text: t('actionFailed', { reason: reasonOf(error) }) });
    }
  };
  return (
    <article aria-label={endpoint.url} class="card">
      <h2 class="mono">{endpoint.url}</h2>
      <dl>
        <dt>{t('status')}</dt>
        <dd>{status(endpoint.status)}</dd>
        <dt>{t('events')}</dt>
        <dd>{endpoint.events.join(', ')}</dd>
        <dt>{t('created')}</dt>
        <dd>
          <DateTime iso={endpoint.created_at} />
        </dd>
      </dl>
      {admin ? (
        <button
          type="button"
          aria-label={t('rotateSecretOf', { url: endpoint.url })}
          onClick={() =>
            void act(async () => {
              const rotated = await api<{ secret?: string }>('POST', `/v1/webhook_endpoints/${encodeURIComponent(endpoint.id)}/rotate_secret`);
              return t('newSecret', { secret: rotated.secret ?? '—' });
            })
          }
        >
          {t('rotateSecret')}
        </button>
      ) : null}
      <Notice notice={notice} />
      <h3>{t('recentAttempts')}</h3>
      <Loaded resource={attempts} isEmpty={(list) => list.data.length === 0}>
        {(list) => (
          <table aria-label={t('attemptsOf', { url: endpoint.url })}>
            <thead>
              <tr>
                <th scope="col">{t('event')}</th>
                <th scope="col">{t('attempt')}</th>
                <th scope="col">{t('time')}</th>
                <th scope="col">{t('result')}</th>
                <th scope="col">{t('latency')}</th>
                {admin ? <th scope="col">{t('redeliver')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {list.data.map((attempt) => (
                <tr key={attempt.id}>
                  <td class="mono">{attempt.event_id}</td>
                  <td>{attempt.attempt}</td>
                  <td>
                    <DateTime iso={attempt.created_at} />
                  </td>
                  <td>{attempt.succeeded ? t('delivered', { code: attempt.status_code ?? '—' }) : t('failed', { code: attempt.status_code ?? attempt.error ?? '—' })}</td>
                  <td>{formatLatency(attempt.latency_ms, locale)}</td>
                  {admin ? (
                    <td>
                      <button
                        type="button"
                        aria-label={t('redeliverEvent', { event: attempt.event_id })}
                        onClick={() =>
                          void act(async () => {
                            await api('POST', `/v1/events/${encodeURIComponent(attempt.event_id)}/redeliver`);
                            attempts.reload();
                            return t('redelivered', { event: attempt.event_id });
                          })
                        }
                      >
                        {t('redeliver')}
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
    </article>
  );
}
