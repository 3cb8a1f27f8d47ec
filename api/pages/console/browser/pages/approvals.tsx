/// <reference lib="dom" />
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, reasonOf } from '../api.js';
import { DateTime, Link, Loaded, LoadMore, Notice, usePagedList, useResource, type ListPage } from '../components.js';
import { canAct, useConsole } from '../context.js';
import { passkeyDecisionHeader, passkeysSupported } from '../passkeys.js';

export interface Approval {
  id: string;
  status: 'pending' | 'approved' | 'rejected' | 'expired' | 'canceled';
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
  change_hash: string | null;
  approvals_required: number;
  approvals: { member: string; at: string }[];
  rejected_by: { member: string; at: string } | null;
  requested_by: { type: string; id: string | null };
  created_at: string;
  expires_at: string;
}

interface MemberRow {
  id: string;
  email: string;
}

export function Approvals(): JSX.Element {
  const { t } = useConsole();
  const list = usePagedList<Approval>('/v1/approvals?status=pending');
  // Names for member ids; the queue still reads without them.
  const members = useResource<ListPage<MemberRow>>('/v1/members');
  const names = new Map(members.state === 'ready' ? members.data.data.map((member) => [member.id, member.email] as const) : []);
  return (
    <>
      <h1>{t('approvalsTitle')}</h1>
      <p>{t('approvalsPending')}</p>
      <Loaded resource={list} isEmpty={(approvals) => approvals.length === 0}>
        {(approvals) => (
          <ul class="cards">
            {approvals.map((approval) => (
              <li key={approval.id}>
                <ApprovalCard approval={approval} names={names} />
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <LoadMore list={list} />
    </>
  );
}

function ApprovalCard(props: { approval: Approval; names: Map<string, string> }): JSX.Element {
  const { t, member } = useConsole();
  // The request as the last decision answered it: the card stays, showing its new state.
  const [approval, setApproval] = useState(props.approval);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const title = `${approval.action} ${approval.subject ?? approval.id}`;
  /** Decides with the one-time code typed, or with a passkey's answer for this request's change_hash. */
  const decide = async (decision: 'approve' | 'reject', withPasskey = false) => {
    setBusy(true);
    setNotice(null);
    try {
      const proof: Record<string, string> = withPasskey ? { 'lanepay-passkey': await passkeyDecisionHeader(approval.id, approval.change_hash ?? '') } : { 'lanepay-otp': code.trim() };
      const decided = await api<Approval>('POST', `/v1/approvals/${encodeURIComponent(approval.id)}/${decision}`, undefined, proof);
      setApproval(decided);
      setNotice({ kind: 'ok', text: t('decided', { status: t(`approvalStatus_${decided.status}`) }) });
      setCode('');
    } catch (error) {
      setNotice({ kind: 'error', text: t('decisionFailed', { reason: reasonOf(error) }) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <article aria-label={title} class="card">
      <h2>{title}</h2>
      <dl>
        <dt>{t('status')}</dt>
        <dd>{t(`approvalStatus_${approval.status}`)}</dd>
        <dt>{t('change')}</dt>
        <dd>
          <pre>{JSON.stringify(approval.details, null, 2)}</pre>
        </dd>
        <dt>{t('changeHash')}</dt>
        <dd class="mono">{approval.change_hash ?? '—'}</dd>
        <dt>{t('approvedBy')}</dt>
        <dd>
          {t('approvedSoFar', { count: approval.approvals.length, required: approval.approvals_required })}
          {': '}
          {approval.approvals.length === 0 ? t('nobodyYet') : approval.approvals.map((entry) => props.names.get(entry.member) ?? entry.member).join(', ')}
        </dd>
        <dt>{t('requestedBy')}</dt>
        <dd>{approval.requested_by.id ? (props.names.get(approval.requested_by.id) ?? approval.requested_by.id) : approval.requested_by.type}</dd>
        <dt>{t('expires')}</dt>
        <dd>
          <DateTime iso={approval.expires_at} />
        </dd>
        {approval.action === 'payout' && approval.subject?.startsWith('pay_') ? (
          <>
            <dt>{t('navPayments')}</dt>
            <dd>
              <Link to={{ page: 'payment', id: approval.subject }}>{approval.subject}</Link>
            </dd>
          </>
        ) : null}
      </dl>
      {canAct(member, 'approver') && approval.status === 'pending' ? (
        <form
          class="decision"
          onSubmit={(event) => {
            event.preventDefault();
            void decide('approve');
          }}
        >
          <label>
            {t('decisionCodeFor')}
            <input inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" required value={code} onInput={(event) => setCode(event.currentTarget.value)} />
          </label>
          <button type="submit" disabled={busy}>
            {t('approve')}
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={(event) => {
              const form = event.currentTarget.form;
              if (form && !form.reportValidity()) return;
              void decide('reject');
            }}
          >
            {t('reject')}
          </button>
          {passkeysSupported() && approval.change_hash ? (
            <button type="button" disabled={busy} onClick={() => void decide('approve', true)}>
              {t('approveWithPasskey')}
            </button>
          ) : null}
        </form>
      ) : null}
      <Notice notice={notice} />
    </article>
  );
}
