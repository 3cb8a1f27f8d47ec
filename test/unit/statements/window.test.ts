import { describe, expect, it } from 'vitest';
import { statementMaxDays, statementWindow } from '#lib/money/statements/schemas.js';

describe('a statement window', () => {
  it('is [from, to) in milliseconds when to follows from by at most the longest window', () => {
    expect(statementWindow({ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00+08:00' })).toEqual({
      fromMs: Date.parse('2026-11-01T00:00:00Z'),
      toMs: Date.parse('2026-11-30T16:00:00Z'),
    });
    const longest = { from: '2026-01-01T00:00:00Z', to: new Date(Date.parse('2026-01-01T00:00:00Z') + statementMaxDays * 86_400_000).toISOString() };
    expect(statementWindow(longest).toMs - statementWindow(longest).fromMs).toBe(statementMaxDays * 86_400_000);
  });

  it('is refused as statement_window_invalid (422) when to is not after from, or the window is a millisecond too long', () => {
    expect(() => statementWindow({ from: '2000-01-01T00:00:00Z', to: '2000-01-01T00:00:00Z' })).toThrow(expect.objectContaining({ code: 'statement_window_invalid', problemWithTo: 'must be later than `from`' }));
    expect(() => statementWindow({ from: '2026-12-01T00:00:00Z', to: '2026-11-01T00:00:00Z' })).toThrow(expect.objectContaining({ code: 'statement_window_invalid' }));
    const tooLong = { from: '2026-01-01T00:00:00Z', to: new Date(Date.parse('2026-01-01T00:00:00Z') + statementMaxDays * 86_400_000 + 1).toISOString() };
    expect(() => statementWindow(tooLong)).toThrow(expect.objectContaining({ code: 'statement_window_invalid', problemWithTo: `must be at most ${statementMaxDays} days after \`from\`` }));
  });
});
