import { describe, expect, it } from 'vitest';
import { parseAge } from '../../../bin/commands/reconcile.js';
import { StackError } from '../../../scripts/stack/errors.js';

describe('lanepay reconcile --older-than', () => {
  it('reads a whole number of seconds, minutes, hours or days', () => {
    expect(parseAge('90s')).toBe(90_000);
    expect(parseAge('15m')).toBe(900_000);
    expect(parseAge('2h')).toBe(7_200_000);
    expect(parseAge('1d')).toBe(86_400_000);
  });

  it.each(['15', 'm', '1.5h', '-1m', '0s', '15 minutes', ''])('refuses %j with a StackError naming the forms it takes', (text) => {
    expect(() => parseAge(text)).toThrow(StackError);
    expect(() => parseAge(text)).toThrow(/90s, 15m, 2h or 1d|at least 1s/);
  });
});
