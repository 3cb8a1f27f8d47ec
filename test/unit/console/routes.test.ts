import { describe, expect, it } from 'vitest';
import { parseRoute, paymentsListPath, routePath, type Route } from '#api/pages/console/browser/routes.js';

const base = '/console';
const payment = `pay_${'0'.repeat(26)}`;

describe('console routes', () => {
  it('parses every page of the contract', () => {
    expect(parseRoute('/console/', '', base)).toEqual({ page: 'overview' });
    expect(parseRoute('/console', '', base)).toEqual({ page: 'overview' });
    expect(parseRoute('/console/payments', '', base)).toEqual({ page: 'payments', filters: {} });
    expect(parseRoute(`/console/payments/${payment}`, '', base)).toEqual({ page: 'payment', id: payment });
    expect(parseRoute(`/console/charges/ch_${'1'.repeat(26)}`, '', base)).toEqual({ page: 'charge', id: `ch_${'1'.repeat(26)}` });
    for (const page of ['charges', 'approvals', 'kyc', 'webhooks', 'audit', 'treasury', 'members', 'sign-in']) expect(parseRoute(`/console/${page}`, '', base)).toEqual({ page });
  });

  it('reads payment filters from the query, dropping malformed dates', () => {
    expect(parseRoute('/console/payments', '?status=succeeded&chain=local-a&from=2026-12-01&to=2026-12-07', base)).toEqual({
      page: 'payments',
      filters: { status: 'succeeded', chain: 'local-a', from: '2026-12-01', to: '2026-12-07' },
    });
    expect(parseRoute('/console/payments', '?from=yesterday&status=', base)).toEqual({ page: 'payments', filters: {} });
  });

  it('answers not-found for anything else, rather than guessing', () => {
    for (const path of ['/console/payments/ch_123456789', '/console/payments/pay_/x', '/console/nope', '/consoleish', '/other', '/console/payments/pay_ABC']) {
      expect(parseRoute(path, '', base).page, path).toBe('not-found');
    }
  });

  it('works under a stage prefix', () => {
    expect(parseRoute('/dev/console/approvals', '', '/dev/console')).toEqual({ page: 'approvals' });
    expect(routePath({ page: 'approvals' }, '/dev/console')).toBe('/dev/console/approvals');
  });

  it('builds the path each route is parsed from', () => {
    const routes: Route[] = [
      { page: 'overview' },
      { page: 'payments', filters: {} },
      { page: 'payments', filters: { status: 'failed', from: '2026-12-01' } },
      { page: 'payment', id: payment },
      { page: 'charges' },
      { page: 'members' },
    ];
    for (const route of routes) {
      const url = new URL(routePath(route, base), 'http://localhost');
      expect(parseRoute(url.pathname, url.search, base)).toEqual(route);
    }
  });
});

describe('payment filters', () => {
  it('asks the API for them: status and chain as they are, days as whole UTC days with both ends included', () => {
    expect(paymentsListPath({})).toBe('/v1/payments');
    const url = new URL(paymentsListPath({ status: 'succeeded', chain: 'local-a', from: '2026-12-05', to: '2026-12-31' }), 'http://localhost');
    expect(Object.fromEntries(url.searchParams)).toEqual({ status: 'succeeded', chain: 'local-a', 'created[gte]': '2026-12-05T00:00:00Z', 'created[lt]': '2027-01-01T00:00:00Z' });
  });
});
