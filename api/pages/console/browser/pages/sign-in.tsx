/// <reference lib="dom" />
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { consoleRoute, reasonOf, type Session } from '../api.js';
import { fill } from '../format.js';
import type { Messages } from '../messages.js';
import { passkeysSupported, signInWithPasskey } from '../passkeys.js';

/** Member key and one-time code, or a passkey (discoverable: no name typed). */
export function SignIn(props: { messages: Messages; notice: string | null; onSignedIn(session: Session): void }): JSX.Element {
  const m = props.messages;
  const [memberKey, setMemberKey] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const run = async (attempt: () => Promise<Session>) => {
    setBusy(true);
    setFailure(null);
    try {
      props.onSignedIn(await attempt());
    } catch (error) {
      setFailure(fill(m.signInFailed, { reason: reasonOf(error) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>{m.signInTitle}</h1>
      {props.notice ? <p role="status">{props.notice}</p> : null}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void run(() => consoleRoute<Session>('POST', '/session/totp', { member_key: memberKey.trim(), code: code.trim() }));
        }}
      >
        <label>
          {m.memberKey}
          <input name="member_key" autoComplete="username" required value={memberKey} onInput={(event) => setMemberKey(event.currentTarget.value)} />
        </label>
        <label>
          {m.oneTimeCode}
          <input
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            required
            aria-describedby="code-hint"
            value={code}
            onInput={(event) => setCode(event.currentTarget.value)}
          />
        </label>
        <p id="code-hint" class="hint">
          {m.oneTimeCodeHint}
        </p>
        <button type="submit" disabled={busy}>
          {busy ? m.signingIn : m.signIn}
        </button>
      </form>
      {passkeysSupported() ? (
        <>
          <p class="or">{m.or}</p>
          <button type="button" disabled={busy} onClick={() => void run(signInWithPasskey)}>
            {m.signInWithPasskey}
          </button>
        </>
      ) : null}
      {failure ? <p role="alert" class="error">{failure}</p> : null}
    </main>
  );
}
