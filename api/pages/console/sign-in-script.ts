/**
 * The minimal sign-in page's script (api/pages/console/app.ts), plain browser JavaScript: sign-in with a
 * member key and code or a passkey (the browser's own WebAuthn API and its JSON helpers), passkey
 * registration and sign-out. It writes text only (textContent), so it needs no Trusted Types policy.
 */
export const signInScript = `
const $ = (id) => document.getElementById(id);
let csrf = '';

function show(session) {
  csrf = session ? session.csrf_token : '';
  $('signed-out').hidden = Boolean(session);
  $('signed-in').hidden = !session;
  $('who').textContent = session ? session.member.email + ' (' + session.member.role + ')' : '';
}
function say(text) { $('status').textContent = text; }

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new Error((json && json.detail) || response.statusText);
  return json;
}

$('totp-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    show(await call('POST', '/console/session/totp', { member_key: $('member-key').value.trim(), code: $('code').value.trim() }));
    $('code').value = '';
    say('Signed in.');
  } catch (error) { say(error.message); }
});

$('passkey-sign-in').addEventListener('click', async () => {
  try {
    const options = await call('POST', '/console/session/passkey-options', {});
    const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
    show(await call('POST', '/console/session/passkey', { response: credential.toJSON() }));
    say('Signed in with a passkey.');
  } catch (error) { say(error.message); }
});

$('register-passkey').addEventListener('click', async () => {
  try {
    const options = await call('POST', '/console/passkeys/registration-options', {});
    const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
    await call('POST', '/console/passkeys', { response: credential.toJSON() });
    say('Passkey registered.');
  } catch (error) { say(error.message); }
});

$('sign-out').addEventListener('click', async () => {
  try {
    await call('DELETE', '/console/session');
    show(undefined);
    say('Signed out.');
  } catch (error) { say(error.message); }
});

call('GET', '/console/session').then(show, () => show(undefined));
`;
