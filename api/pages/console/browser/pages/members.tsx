/// <reference lib="dom" />
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, reasonOf } from '../api.js';
import { DateTime, heldApproval, Loaded, Notice, Section, useResource, type ListPage } from '../components.js';
import { canAct, useConsole } from '../context.js';

interface MemberRow {
  id: string;
  email: string;
  role: 'viewer' | 'approver' | 'admin';
  status: 'active' | 'revoked';
  created_at: string;
}

type NoticeState = { kind: 'ok' | 'error'; text: string } | null;

/** Members and the approval policy; an admin's changes come back applied (200/201) or held (202). */
export function Members(): JSX.Element {
  const { t, member } = useConsole();
  const members = useResource<ListPage<MemberRow>>('/v1/members');
  const policy = useResource<{ policy: unknown; active_members: number }>('/v1/approval_policy');
  const [notice, setNotice] = useState<NoticeState>(null);
  const admin = canAct(member, 'admin');
  const roleName = (role: MemberRow['role']) => t(role === 'viewer' ? 'roleViewer' : role === 'admin' ? 'roleAdmin' : 'roleApprover');

  /** Runs a write and says whether it was applied or held for approval. */
  const write = async (run: () => Promise<unknown>, applied: (body: unknown) => string, reload: () => void) => {
    setNotice(null);
    try {
      const body = await run();
      const held = heldApproval(body);
      setNotice({ kind: 'ok', text: held ? t('heldForApproval', { id: held.id, required: held.approvals_required }) : applied(body) });
      reload();
    } catch (error) {
      setNotice({ kind: 'error', text: t('actionFailed', { reason: reasonOf(error) }) });
    }
  };

  return (
    <>
      <h1>{t('membersTitle')}</h1>
      <Notice notice={notice} />
      <Section title={t('members')}>
        <Loaded resource={members} isEmpty={(list) => list.data.length === 0}>
          {(list) => (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('email')}</th>
                  <th scope="col">{t('role')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('created')}</th>
                  {admin ? <th scope="col">{t('revoke')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {list.data.map((row) => (
                  <tr key={row.id}>
                    <th scope="row">{row.email}</th>
                    <td>{roleName(row.role)}</td>
                    <td>{t(`memberStatus_${row.status}`)}</td>
                    <td>
                      <DateTime iso={row.created_at} />
                    </td>
                    {admin ? (
                      <td>
                        {row.status === 'active' && row.id !== member.id ? (
                          <button
                            type="button"
                            aria-label={t('revokeMember', { email: row.email })}
                            onClick={() => void write(() => api('POST', `/v1/members/${encodeURIComponent(row.id)}/revoke`), () => t('memberStatus_revoked'), members.reload)}
                          >
                            {t('revoke')}
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Loaded>
        {admin ? <AddMember onAdd={(email, role) => write(() => api('POST', '/v1/members', { email, role }), (body) => t('memberAdded', { key: (body as { key?: string }).key ?? '—' }), members.reload)} /> : null}
      </Section>
      <Section title={t('policy')}>
        <Loaded resource={policy}>
          {(found) => (
            <>
              <p>{t('activeMembers', { count: found.active_members })}</p>
              {admin ? (
                <PolicyEditor
                  policy={found.policy}
                  onSave={(next) => write(() => api('PUT', '/v1/approval_policy', { policy: next }), () => t('policySaved'), policy.reload)}
                  onInvalid={() => setNotice({ kind: 'error', text: t('policyInvalid') })}
                />
              ) : found.policy === null ? (
                <p>{t('policyNone')}</p>
              ) : (
                <pre>{JSON.stringify(found.policy, null, 2)}</pre>
              )}
            </>
          )}
        </Loaded>
      </Section>
    </>
  );
}

function AddMember(props: { onAdd(email: string, role: string): Promise<void> }): JSX.Element {
  const { t } = useConsole();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('approver');
  return (
    <form
      aria-label={t('addMember')}
      onSubmit={(event) => {
        event.preventDefault();
        void props.onAdd(email.trim(), role).then(() => setEmail(''));
      }}
    >
      <h3>{t('addMember')}</h3>
      <label>
        {t('email')}
        <input type="email" required value={email} onInput={(event) => setEmail(event.currentTarget.value)} />
      </label>
      <label>
        {t('role')}
        <select value={role} onChange={(event) => setRole(event.currentTarget.value)}>
          <option value="viewer">{t('roleViewer')}</option>
          <option value="approver">{t('roleApprover')}</option>
          <option value="admin">{t('roleAdmin')}</option>
        </select>
      </label>
      <button type="submit">{t('add')}</button>
    </form>
  );
}

function PolicyEditor(props: { policy: unknown; onSave(policy: unknown): Promise<void>; onInvalid(): void }): JSX.Element {
  const { t } = useConsole();
  const [text, setText] = useState(JSON.stringify(props.policy, null, 2));
  useEffect(() => setText(JSON.stringify(props.policy, null, 2)), [props.policy]);
  return (
    <form
      aria-label={t('policy')}
      onSubmit={(event) => {
        event.preventDefault();
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          props.onInvalid();
          return;
        }
        void props.onSave(parsed);
      }}
    >
      <label>
        {t('policyJson')}
        <textarea rows={8} class="mono" value={text} onInput={(event) => setText(event.currentTarget.value)} />
      </label>
      <button type="submit">{t('savePolicy')}</button>
    </form>
  );
}
