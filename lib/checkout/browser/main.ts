/// <reference lib="dom" />
/**
 * The checkout page's script, bundled by esbuild for the browser and inlined into the page by the
 * checkout function (no CDN, no second request). It hides all but the chosen chain, copies the
 * address, counts down to expiry and follows the charge over the WebSocket API with a token the
 * page asks its own function for, so the status changes without a reload.
 */
import { formatCountdown } from '../format.js';
import type { CheckoutView } from '../public-view.js';
import type { CheckoutPageData } from '../render.js';
import { isFinalStatus, statusDisplay } from '../status.js';

const data = JSON.parse(document.getElementById('checkout-data')!.textContent!) as CheckoutPageData;
const { messages } = data;
let view: CheckoutView = data.view;
/** created_at of the newest event applied: pushes are not ordered, an older one must not undo a newer. */
let newestEventAt = '';

const main = document.getElementById('checkout')!;
const statusText = document.getElementById('status-text')!;
const statusHint = document.getElementById('status-hint')!;
const countdownRow = document.getElementById('countdown-row')!;
const countdown = document.getElementById('countdown')!;
const pay = document.getElementById('pay')!;
const live = document.getElementById('live')!;

/** Set when the countdown reaches zero: the page shows "expired" before the server's event says so. */
let timeUp = false;

function show(next: CheckoutView): void {
  view = next;
  const shown: CheckoutView = timeUp && !isFinalStatus(view.status) ? { ...view, status: 'expired' } : view;
  const status = statusDisplay(shown, messages);
  main.dataset.status = shown.status;
  statusText.textContent = status.text;
  statusHint.textContent = status.hint;
  pay.hidden = !status.payable;
  countdownRow.hidden = !status.payable || shown.expires_at === null;
}

/** Applies a charge seen later: a final status is never left, and an older event never wins. */
function apply(next: CheckoutView, eventAt?: string): void {
  if (next.id !== view.id || isFinalStatus(view.status)) return;
  if (eventAt !== undefined) {
    if (eventAt < newestEventAt) return;
    newestEventAt = eventAt;
  }
  show(next);
  if (isFinalStatus(next.status)) stopListening();
}

// Chain picker: radio buttons, so arrow keys and Tab work as the platform has them.
function showChosenChain(): void {
  const chosen = document.querySelector<HTMLInputElement>('input[name=chain]:checked')?.value;
  for (const option of document.querySelectorAll<HTMLElement>('.option')) option.hidden = option.dataset.chain !== chosen;
}
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name=chain]')) radio.addEventListener('change', showChosenChain);
showChosenChain();

// Copy buttons: the Clipboard API, else selecting the address so the payer can copy it by hand.
for (const button of document.querySelectorAll<HTMLButtonElement>('button.copy')) {
  button.addEventListener('click', async () => {
    const option = button.closest('.option')!;
    const feedback = option.querySelector<HTMLElement>('.feedback')!;
    try {
      await navigator.clipboard.writeText(button.dataset.address!);
      feedback.textContent = messages.copied;
    } catch {
      const address = option.querySelector('.address')!;
      getSelection()?.selectAllChildren(address);
      feedback.textContent = messages.copyFailed;
    }
  });
}

// Countdown: at zero the page stops offering the address, while still listening: the server has
// the last word (charge.expired, or a payment that was already on its way).
function tick(): void {
  if (view.expires_at === null || isFinalStatus(view.status) || timeUp) return;
  const remainingMs = Date.parse(view.expires_at) - Date.now();
  countdown.textContent = formatCountdown(remainingMs);
  if (remainingMs > 0) return;
  timeUp = true;
  show(view);
}
const ticker = setInterval(tick, 1000);
tick();

// Live status over the WebSocket API.
let socket: WebSocket | undefined;
let retryMs = 1000;
let stopped = false;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

function stopListening(): void {
  stopped = true;
  clearInterval(ticker);
  clearTimeout(retryTimer);
  socket?.close();
  live.hidden = true;
}

function setLive(text: string, state: 'on' | 'reconnecting'): void {
  live.textContent = text;
  live.dataset.state = state;
  live.hidden = false;
}

async function listen(): Promise<void> {
  if (stopped) return;
  try {
    const response = await fetch(data.realtimeTokenPath, { method: 'POST', headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`realtime token: HTTP ${response.status}`);
    const session = (await response.json()) as { token: string; url: string; charge: CheckoutView };
    // Catches up with whatever happened while the page was loading or disconnected.
    apply(session.charge);
    if (stopped) return;
    const opened = new WebSocket(`${session.url}?token=${encodeURIComponent(session.token)}`);
    socket = opened;
    opened.addEventListener('open', () => opened.send(JSON.stringify({ action: 'subscribe', charge_id: view.id })));
    opened.addEventListener('message', (message) => {
      const frame = parseFrame(message.data);
      if (frame?.object === 'subscription') {
        retryMs = 1000;
        setLive(messages.live, 'on');
      } else if (frame?.object === 'event' && typeof frame.type === 'string' && frame.type.startsWith('charge.')) {
        apply(frame.data.object, frame.created_at);
      }
    });
    opened.addEventListener('close', () => scheduleRetry());
  } catch {
    scheduleRetry();
  }
}

function scheduleRetry(): void {
  if (stopped) return;
  setLive(messages.reconnecting, 'reconnecting');
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => void listen(), retryMs);
  retryMs = Math.min(retryMs * 2, 30_000);
}

function parseFrame(raw: unknown): any {
  try {
    return typeof raw === 'string' ? JSON.parse(raw) : undefined;
  } catch {
    return undefined;
  }
}

if (isFinalStatus(view.status)) stopListening();
else void listen();
