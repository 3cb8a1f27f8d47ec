import { describe, expect, it } from 'vitest';
import { httpProblemCodes, internalProblem, problemFor } from '#api/http/problem.js';
import { ChainUnavailableError } from '#lib/chains/errors.js';
import { ChargeNotCancelableError } from '#lib/money/charges/errors.js';
import { AuthorizationExpiredError, PaymentNotCancelableError, PaymentNotCapturableError } from '#lib/money/payments/errors.js';
import { LanepayError, ValidationError } from '#lib/platform/errors/index.js';

describe('problemFor', () => {
  it('renders a validation error as a 400 problem with a stable type, code and field errors', () => {
    const problem = problemFor(new ValidationError('Invalid body: amount: bad', [{ field: 'amount', message: 'bad' }]), '/v1/payments');
    expect(problem).toEqual({
      type: 'https://lanepay.dev/problems/validation_error',
      title: 'Invalid request',
      status: 400,
      detail: 'Invalid body: amount: bad',
      code: 'validation_error',
      instance: '/v1/payments',
      errors: [{ field: 'amount', message: 'bad' }],
    });
  });

  it('names each refusal of a state precisely, each a 409', () => {
    const refusals = [
      new PaymentNotCapturableError('pay_1', 'canceled'),
      new PaymentNotCancelableError('pay_1', 'processing', true),
      new AuthorizationExpiredError('pay_1', '2026-01-01T00:00:00.000Z'),
      new ChargeNotCancelableError('ch_1', 'paid', 1),
    ];
    expect(refusals.map((error) => [problemFor(error).code, problemFor(error).status, problemFor(error).type])).toEqual([
      ['payment_not_capturable', 409, 'https://lanepay.dev/problems/payment_not_capturable'],
      ['payment_not_cancelable', 409, 'https://lanepay.dev/problems/payment_not_cancelable'],
      ['authorization_expired', 409, 'https://lanepay.dev/problems/authorization_expired'],
      ['charge_not_cancelable', 409, 'https://lanepay.dev/problems/charge_not_cancelable'],
    ]);
  });

  it('answers a code no HTTP route raises (a worker\'s) as a 500 that hides the detail', () => {
    const problem = problemFor(new ChainUnavailableError('local-a', new Error('secret internals')));
    expect(problem).toEqual(internalProblem());
    expect(JSON.stringify(problem)).not.toContain('No RPC endpoint');
  });

  it('turns a class outside the errors modules, with a code missing from the table, into a 500 that hides the detail', () => {
    class BrandNewError extends LanepayError<'brand_new_code'> {
      constructor() {
        super('brand_new_code', 'secret internals');
      }
    }
    const problem = problemFor(new BrandNewError());
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('secret internals');
    expect(problem).toEqual(internalProblem());
  });
});

describe('httpProblemCodes', () => {
  it('lists the codes merchants can meet, not those of workers, WebSocket frames or operator commands, and no longer invalid_state', () => {
    const codes = httpProblemCodes().map((entry) => entry.code);
    // verification_not_resolvable: the platform merchant meets it since POST /v1/kyc/verifications/{id}/resolve.
    expect(codes).toEqual(expect.arrayContaining(['payment_not_capturable', 'charge_not_cancelable', 'concurrent_change', 'validation_error', 'verification_not_resolvable', 'platform_only']));
    for (const code of ['chain_unavailable', 'not_connected', 'transfer_exists', 'invalid_state']) expect(codes).not.toContain(code);
  });
});
