import { describe, expect, it } from 'vitest';
import { LanepayError, ValidationError } from '../../../lib/errors/index.js';
import { internalProblem, problemFor } from '../../../lib/http/problem.js';

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

  it('turns a domain code missing from the table into a 500 that hides the detail', () => {
    const problem = problemFor(new LanepayError('brand_new_code', 'secret internals'));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('secret internals');
    expect(problem).toEqual(internalProblem());
  });
});
