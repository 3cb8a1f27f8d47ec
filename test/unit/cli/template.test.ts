import { describe, expect, it } from 'vitest';
import { fillTemplate, flatten, placeholders, TemplateError } from '../../../scripts/invoke/template.js';
import { judge } from '../../../scripts/invoke/invoke.js';

describe('sample event templates', () => {
  const event = { path: '/v1/payments/{{payments.held}}/capture', body: '{"id":"{{ payments.held }}"}', n: 3, list: ['{{merchant_id}}', null] };

  it('lists each placeholder once, wherever it stands', () => {
    expect(placeholders(event).sort()).toEqual(['merchant_id', 'payments.held']);
  });

  it('fills placeholders inside longer strings and leaves everything else as it was', () => {
    const values = flatten({ merchant_id: 'mer_1', payments: { held: 'pay_1' } });
    expect(fillTemplate(event, values)).toEqual({ path: '/v1/payments/pay_1/capture', body: '{"id":"pay_1"}', n: 3, list: ['mer_1', null] });
  });

  it('refuses a placeholder it has no value for, naming it', () => {
    expect(() => fillTemplate(event, { merchant_id: 'mer_1' })).toThrow(TemplateError);
    expect(() => fillTemplate(event, { merchant_id: 'mer_1' })).toThrow('{{payments.held}} has no value');
  });
});

describe('whether a function took an event', () => {
  it.each([
    [{ statusCode: 201 }, true],
    [{ statusCode: 404 }, true],
    [{ statusCode: 502 }, false],
    [{ batchItemFailures: [] }, true],
    [{ batchItemFailures: [{ itemIdentifier: 'm1' }] }, false],
    [{ policyDocument: { Statement: [{ Effect: 'Allow' }] } }, true],
    [{ policyDocument: { Statement: [{ Effect: 'Deny' }] } }, false],
    [{ expired: 0, skipped: 0 }, true],
  ])('%j → accepted %s', (result, accepted) => {
    expect(judge(result).accepted).toBe(accepted);
  });
});
