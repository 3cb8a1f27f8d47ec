/**
 * The claim page's browser script, inlined and allowed by its hash (api/pages/claim/csp.ts). Plain
 * DOM, no bundle: it writes the typed address into the message to sign, offers the browser wallet's
 * `personal_sign` when there is one, and POSTs the claim to the page's own URL. It writes text only
 * (textContent), never HTML: the page's CSP forbids every HTML sink (Trusted Types 'none').
 */
export const claimScript = `(() => {
  const data = JSON.parse(document.getElementById('claim-data').textContent);
  const form = document.getElementById('claim-form');
  if (!form) return;
  const address = document.getElementById('address');
  const signature = document.getElementById('signature');
  const message = document.getElementById('message');
  const error = document.getElementById('claim-error');
  const button = document.getElementById('claim-submit');
  const wallet = document.getElementById('sign-wallet');
  const valid = (text) => /^0x[0-9a-fA-F]{40}$/.test(text.trim());
  const messageFor = (text) => valid(text) ? data.template.split(data.placeholder).join(text.trim().toLowerCase()) : data.template;
  const show = () => { message.textContent = messageFor(address.value); };
  address.addEventListener('input', show);
  show();
  document.getElementById('no-script').hidden = true;
  form.hidden = false;
  const hex = (text) => '0x' + Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('');
  if (window.ethereum && wallet) {
    wallet.hidden = false;
    wallet.addEventListener('click', async () => {
      error.textContent = '';
      try {
        const accounts = await window.ethereum.request({ method: 'eth_requestAccounts' });
        if (!valid(address.value)) address.value = accounts[0];
        show();
        signature.value = await window.ethereum.request({ method: 'personal_sign', params: [hex(messageFor(address.value)), address.value.trim()] });
      } catch (e) {
        error.textContent = (e && e.message) || String(e);
      }
    });
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    button.disabled = true;
    button.textContent = data.messages.submitting;
    try {
      const response = await fetch(window.location.pathname, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ address: address.value.trim(), signature: signature.value.trim() }),
      });
      const body = await response.json();
      if (!response.ok) {
        error.textContent = body.detail || body.title || String(response.status);
        return;
      }
      document.getElementById('claim').dataset.status = 'claimed';
      document.getElementById('status-text').textContent = data.messages.status.claimed;
      document.getElementById('status-hint').textContent = data.messages.hint.claimed;
      document.getElementById('claimed-to').textContent = data.messages.claimedTo.split('{address}').join(body.address);
      message.textContent = body.message;
      form.hidden = true;
    } catch (e) {
      error.textContent = (e && e.message) || String(e);
    } finally {
      button.disabled = false;
      button.textContent = data.messages.submit;
    }
  });
})();`;
