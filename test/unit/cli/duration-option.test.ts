import { describe, expect, it } from 'vitest';
import { durationOption } from '../../../bin/stage.js';
import { StackError } from '../../../scripts/stack/errors.js';

describe('duration flags (reconcile --older-than, slo report --window, dr drill --lookback)', () => {
  it('reads a whole number of seconds, minutes, hours or days', () => {
    expect(durationOption('90s', 'older-than')).toBe(90_000);
    expect(durationOption('15m', 'older-than')).toBe(900_000);
    expect(durationOption('2h', 'window')).toBe(7_200_000);
    expect(durationOption('28d', 'window')).toBe(28 * 86_400_000);
  });

  it.each(['15', 'm', '1.5h', '-1m', '0s', '15 minutes', '', '1w'])('refuses %j with a StackError naming the flag and the forms it takes', (text) => {
    expect(() => durationOption(text, 'window')).toThrow(StackError);
    expect(() => durationOption(text, 'window')).toThrow(/^--window .*(90s, 15m, 2h or 1d|at least 1s)/);
  });
});
