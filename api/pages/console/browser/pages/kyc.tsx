/// <reference lib="dom" />
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, reasonOf } from '../api.js';
import { DateTime, Loaded, Notice, usePagedList } from '../components.js';
import { canAct, useConsole } from '../context.js';

interface Review {
  id: string;
  status?: 'review' | 'rejected';
  sanctions_matches?: number;
  customer_id: string;
  merchant_id: string;
  reason_codes: string[];
  created_at: string;
}

/** Verifications in review (platform): reason codes only; PII for an admin who asks (audited). */
export function Kyc(): JSX.Element {
  const { t } = useConsole();
  const list = usePagedList<Review>('/v1/kyc/reviews');
  return (
    <>
      <h1>{t('kycTitle')}</h1>
      <Loaded resource={list} isEmpty={(reviews) => reviews.length === 0}>
        {(reviews) => (
          <ul class="cards">
            {reviews.map((review) => (
              <li key={review.id}>
                <ReviewCard review={review} />
              </li>
            ))}
          </ul>
        )}
      </Loaded>
    </>
  );
}

function ReviewCard(props: { review: Review }): JSX.Element {
  const { t, member } = useConsole();
  const { review } = props;
  const [decision, setDecision] = useState<'approved' | 'rejected' | ''>('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [resolved, setResolved] = useState(false);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [pii, setPii] = useState<unknown>(null);
  const resolve = async () => {
    setBusy(true);
    setNotice(null);
    try {
      await api('POST', `/v1/kyc/verifications/${encodeURIComponent(review.id)}/resolve`, { decision, note: note.trim() });
      setResolved(true);
      setNotice({ kind: 'ok', text: t('resolved', { decision: decision === 'approved' ? t('approveCustomer') : t('rejectCustomer') }) });
    } catch (error) {
      setNotice({ kind: 'error', text: t('actionFailed', { reason: reasonOf(error) }) });
    } finally {
      setBusy(false);
    }
  };
  const revealPii = async () => {
    try {
      setPii(await api('GET', `/v1/customers/${encodeURIComponent(review.customer_id)}/pii`));
    } catch (error) {
      setNotice({ kind: 'error', text: t('actionFailed', { reason: reasonOf(error) }) });
    }
  };
  return (
    <article aria-label={`${t('customer')} ${review.customer_id}`} class="card">
      <h2>
        {t('customer')} <span class="mono">{review.customer_id}</span>
      </h2>
      <dl>
        <dt>{t('merchant')}</dt>
        <dd class="mono">{review.merchant_id}</dd>
        <dt>{t('status')}</dt>
        <dd>{review.status === 'rejected' ? t('kycRejectedBySystem') : t('kycInReview')}</dd>
        <dt>{t('reasonCodes')}</dt>
        <dd>{review.reason_codes.join(', ') || '—'}</dd>
        {review.sanctions_matches ? (
          <>
            <dt>{t('sanctionsMatches')}</dt>
            <dd>{review.sanctions_matches}</dd>
          </>
        ) : null}
        <dt>{t('created')}</dt>
        <dd>
          <DateTime iso={review.created_at} />
        </dd>
      </dl>
      {canAct(member, 'approver') && !resolved ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void resolve();
          }}
        >
          <fieldset>
            <legend>{t('decision')}</legend>
            <label>
              <input type="radio" name={`decision-${review.id}`} value="approved" required checked={decision === 'approved'} onChange={() => setDecision('approved')} />
              {t('approveCustomer')}
            </label>
            <label>
              <input type="radio" name={`decision-${review.id}`} value="rejected" checked={decision === 'rejected'} onChange={() => setDecision('rejected')} />
              {t('rejectCustomer')}
            </label>
          </fieldset>
          <label>
            {t('resolutionNote')}
            <textarea required minLength={3} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
          </label>
          <button type="submit" disabled={busy}>
            {t('resolve')}
          </button>
        </form>
      ) : null}
      {canAct(member, 'admin') ? (
        pii === null ? (
          <p>
            <button type="button" onClick={() => void revealPii()}>
              {t('showPii')}
            </button>{' '}
            <span class="hint">{t('piiAudited')}</span>
          </p>
        ) : (
          <pre aria-label={t('piiOf', { id: review.customer_id })}>{JSON.stringify(pii, null, 2)}</pre>
        )
      ) : null}
      <Notice notice={notice} />
    </article>
  );
}
