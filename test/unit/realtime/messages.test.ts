import { describe, expect, it } from 'vitest';
import { SubscriptionRefusedError } from '#lib/notify/realtime/errors.js';
import { parseSubscribeMessage, subscribedFrame, subscriptionTarget } from '#lib/notify/realtime/messages.js';

const paymentId = 'pay_01jabcdefghjkmnpqrstvwxyz0';
const chargeId = 'ch_01jabcdefghjkmnpqrstvwxyz0';

function refusal(body: string | undefined): string {
  try {
    parseSubscribeMessage(body);
  } catch (error) {
    if (error instanceof SubscriptionRefusedError) return error.code;
    throw error;
  }
  throw new Error('accepted');
}

describe('subscribe messages', () => {
  it('accept one payment', () => {
    expect(parseSubscribeMessage(JSON.stringify({ action: 'subscribe', payment_id: paymentId }))).toEqual({ action: 'subscribe', payment_id: paymentId });
  });

  it('accept every payment of the merchant when payment_id is absent', () => {
    expect(parseSubscribeMessage('{"action":"subscribe"}')).toEqual({ action: 'subscribe' });
  });

  it('refuse a malformed payment id', () => {
    expect(refusal(JSON.stringify({ action: 'subscribe', payment_id: 'evt_01jabcdefghjkmnpqrstvwxyz0' }))).toBe('validation_error');
    expect(refusal(JSON.stringify({ action: 'subscribe', payment_id: '*' }))).toBe('validation_error');
  });

  it('refuse unknown fields, other actions and non-objects', () => {
    expect(refusal(JSON.stringify({ action: 'subscribe', payment_id: paymentId, extra: 1 }))).toBe('validation_error');
    expect(refusal(JSON.stringify({ action: 'unsubscribe' }))).toBe('validation_error');
    expect(refusal('[]')).toBe('validation_error');
  });

  it('refuse bodies that are not JSON', () => {
    expect(refusal('subscribe')).toBe('invalid_json');
    expect(refusal(undefined)).toBe('invalid_json');
  });

  it('refuse oversized bodies before parsing them', () => {
    expect(refusal(JSON.stringify({ action: 'subscribe', pad: 'x'.repeat(5000) }))).toBe('message_too_large');
  });

  it('explain the refusal by field', () => {
    expect(() => parseSubscribeMessage('{"action":"subscribe","payment_id":"nope"}')).toThrow(/payment_id must be a payment id/);
  });

  it('accept one charge, acknowledged by its charge_id', () => {
    const message = parseSubscribeMessage(JSON.stringify({ action: 'subscribe', charge_id: chargeId }));
    expect(subscriptionTarget(message)).toEqual({ chargeId });
    expect(subscribedFrame(subscriptionTarget(message))).toEqual({ object: 'subscription', charge_id: chargeId });
  });

  it('refuse a payment and a charge in one message, and a malformed charge id', () => {
    expect(refusal(JSON.stringify({ action: 'subscribe', payment_id: paymentId, charge_id: chargeId }))).toBe('validation_error');
    expect(refusal(JSON.stringify({ action: 'subscribe', charge_id: paymentId }))).toBe('validation_error');
  });
});
