import { describe, expect, it } from 'vitest';
import { checkoutScript } from '#api/pages/checkout/browser-script.js';
import { checkoutContentSecurityPolicy, sourceHash } from '#api/pages/checkout/csp.js';
import { checkoutMessages } from '#api/pages/checkout/messages.js';
import { qrSvg } from '#api/pages/checkout/qr.js';
import { renderCheckoutPage, renderNotFoundPage, type CheckoutPageData } from '#api/pages/checkout/render.js';
import { statusDisplay } from '#api/pages/checkout/status.js';
import { checkoutStyles } from '#api/pages/checkout/styles.js';
import { checkoutEvent, checkoutView } from '#lib/money/charges/public-view.js';
import { sampleCharge } from './fixtures.js';

const nowMs = Date.parse('2026-11-26T12:00:00.000Z');

function render(overrides: Parameters<typeof sampleCharge>[0] = {}, lang: 'en' | 'zh-CN' = 'en') {
  return renderCheckoutPage({
    view: checkoutView(sampleCharge(overrides)),
    lang,
    qrSvgs: { 'local-a': '<svg id="qr-a"></svg>', 'local-b': '<svg id="qr-b"></svg>' },
    realtimeTokenPath: 'ch_01jabcdefghjkmnpqrstvwxyz0/realtime-token',
    style: checkoutStyles,
    script: 'void 0;',
    nowMs,
  });
}

function pageData(html: string): CheckoutPageData {
  const json = /<script type="application\/json" id="checkout-data">(.*?)<\/script>/s.exec(html)![1]!;
  return JSON.parse(json) as CheckoutPageData;
}

describe('the charge public view', () => {
  it("leaves out the merchant's customer, metadata, fees, flags and deposits", () => {
    const view = checkoutView(sampleCharge({ flags: ['late'], fee: '100', deposits: [] }));
    const json = JSON.stringify(view);
    for (const secret of ['cus_', 'vip-customer', 'internal_note', 'hosted_url', '"fee"', '"flags"', '"deposits"', '"metadata"', '"customer"']) {
      expect(json).not.toContain(secret);
    }
    expect(view).toMatchObject({ id: sampleCharge().id, amount: '2500000', asset: 'USDC', decimals: 6, description: 'Order 42' });
  });

  it('turns a charge event into its public copy and refuses every other event', () => {
    const charge = sampleCharge({ status: 'succeeded', amount_received: '2500000' });
    const event = { id: 'evt_01jabcdefghjkmnpqrstvwxyz0', object: 'event', type: 'charge.succeeded', created_at: '2026-11-26T12:01:00.000Z', data: { object: charge } };
    expect(checkoutEvent(event)).toEqual({ ...event, data: { object: checkoutView(charge) } });
    expect(checkoutEvent({ ...event, type: 'payment.succeeded' })).toBeUndefined();
    expect(checkoutEvent({ ...event, data: { object: { id: 'pay_01jabcdefghjkmnpqrstvwxyz0', object: 'payment' } } })).toBeUndefined();
  });
});

describe('the status line', () => {
  const messages = checkoutMessages.en;
  it('says what is missing of an underpaid charge', () => {
    const view = checkoutView(sampleCharge({ status: 'underpaid', amount_received: '1500000' }));
    expect(statusDisplay(view, messages)).toMatchObject({ text: 'Underpaid: 1.00 USDC missing', payable: true, final: false });
    expect(statusDisplay(view, checkoutMessages['zh-CN']).text).toBe('付款不足：还差 1.00 USDC');
  });

  it('calls a succeeded or overpaid charge paid and stops offering the address', () => {
    expect(statusDisplay(checkoutView(sampleCharge({ status: 'succeeded' })), messages)).toMatchObject({ text: 'Paid', payable: false, final: true });
    expect(statusDisplay(checkoutView(sampleCharge({ status: 'overpaid' })), messages)).toMatchObject({ payable: false, final: true });
  });

  it('stops offering the address of an expired or canceled charge', () => {
    expect(statusDisplay(checkoutView(sampleCharge({ status: 'expired' })), messages)).toMatchObject({ text: 'Expired', payable: false });
    expect(statusDisplay(checkoutView(sampleCharge({ status: 'canceled' })), messages)).toMatchObject({ text: 'Canceled', payable: false });
  });
});

describe('the checkout page', () => {
  it('shows amount, asset, each chain with its address, QR code and wallet link, and the time left', () => {
    const html = render();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<h1>Pay 2.50 USDC</h1>');
    expect(html).toContain('<p class="description">Order 42</p>');
    for (const [chain, address, qr] of [['local-a', '0x1111111111111111111111111111111111111111', 'qr-a'], ['local-b', '0x2222222222222222222222222222222222222222', 'qr-b']]) {
      expect(html).toContain(`<input type="radio" name="chain" value="${chain}"`);
      expect(html).toContain(`data-address="${address}"`);
      expect(html).toContain(`<svg id="${qr}">`);
    }
    expect(html).toContain('href="ethereum:0x5FbDB2315678afecb367f032d93F642f64180aa3@31337/transfer?address=0x1111111111111111111111111111111111111111&#38;uint256=2500000"');
    expect(html).toMatch(/<time id="countdown" datetime="2026-11-26T12:30:00.000Z">30:00<\/time>/);
    expect(html).toContain('Waiting for your payment');
  });

  it('never shows merchant-only fields', () => {
    const html = render();
    expect(html).not.toContain('vip-customer');
    expect(html).not.toContain('cus_01');
  });

  it('is in Simplified Chinese with lang=zh-CN', () => {
    const html = render({}, 'zh-CN');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<h1>支付 2.50 USDC</h1>');
    expect(html).toContain('复制地址');
    expect(pageData(html).messages.status.succeeded).toBe('已支付');
  });

  it('offers any amount for a top-up and hides the countdown when it never expires', () => {
    const html = render({ amount: null, expires_at: null });
    expect(html).toContain('<h1>Send any amount of USDC</h1>');
    expect(html).toMatch(/<p id="countdown-row" class="countdown" hidden>/);
  });

  it('hides the address of a paid charge', () => {
    const html = render({ status: 'succeeded', amount_received: '2500000' });
    expect(html).toMatch(/<section id="pay"[^>]* hidden>/);
    expect(html).toContain('<p id="status-text" class="status-text">Paid</p>');
  });

  it('escapes what the merchant wrote, in the markup and in the script data', () => {
    const description = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';
    const html = render({ description });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&#60;/script&#62;');
    expect(pageData(html).view.description).toBe(description);
  });

  it('hands the browser script the view, its language table and where to get a token', () => {
    const data = pageData(render({}, 'zh-CN'));
    expect(data.lang).toBe('zh-CN');
    expect(data.realtimeTokenPath).toBe('ch_01jabcdefghjkmnpqrstvwxyz0/realtime-token');
    expect(data.view.id).toBe('ch_01jabcdefghjkmnpqrstvwxyz0');
  });

  it('has a 404 page in either language that names no charge', () => {
    expect(renderNotFoundPage('en', checkoutStyles)).toContain('<h1>Payment not found</h1>');
    expect(renderNotFoundPage('zh-CN', checkoutStyles)).toContain('<h1>未找到该付款</h1>');
  });
});

describe('the page assets', () => {
  it('bundle the browser script small enough to inline, with nothing that closes its element', () => {
    expect(checkoutScript.length).toBeGreaterThan(1000);
    expect(checkoutScript.length).toBeLessThan(20_000);
    expect(checkoutScript).not.toMatch(/<\/script/i);
  });

  it('allow by CSP hash exactly the inline script and style, and connect only to the page and the WebSocket API', () => {
    const policy = checkoutContentSecurityPolicy({ script: checkoutScript, style: checkoutStyles, websocketUrl: 'wss://abc.execute-api.us-east-1.amazonaws.com/prod' });
    expect(policy['script-src']).toBe(sourceHash(checkoutScript));
    expect(policy['script-src']).not.toBe(sourceHash(`${checkoutScript} `));
    expect(policy['style-src']).toBe(sourceHash(checkoutStyles));
    expect(policy['connect-src']).toBe("'self' wss://abc.execute-api.us-east-1.amazonaws.com");
    expect(policy['default-src']).toBe("'none'");
  });

  it('draw the payment URI as an SVG QR code hidden from screen readers', async () => {
    const svg = await qrSvg(sampleCharge().addresses[0]!.payment_uri);
    expect(svg).toMatch(/^<svg aria-hidden="true" focusable="false" xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+"/);
    expect(svg).toContain('<path');
  });
});
