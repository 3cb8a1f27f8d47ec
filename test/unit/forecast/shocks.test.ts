import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShockSyntaxError } from '#lib/treasury/forecast/errors.js';
import { applyShocks, parseShocks, shockMultipliers } from '#lib/treasury/forecast/shocks.js';

describe('parseShocks', () => {
  it('reads factor, start and duration', () => {
    expect(parseShocks('x3@+2h/6h')).toEqual([{ factor: 3, startHours: 2, durationHours: 6 }]);
    expect(parseShocks('x0.5@+0h/1h')).toEqual([{ factor: 0.5, startHours: 0, durationHours: 1 }]);
  });

  it('reads several shocks separated by commas and from repeated options', () => {
    expect(parseShocks('x3@+2h/6h, x0@+10h/2h')).toHaveLength(2);
    expect(parseShocks(['x3@+2h/6h', 'x2@+0h/1h,x1.5@+4h/4h'])).toHaveLength(3);
  });

  it.each([
    ['', /is empty/],
    ['3@+2h/6h', /must start with 'x'/],
    ['x@+2h/6h', /no valid factor/],
    ['x-1@+2h/6h', /no valid factor/],
    ['x3', /no '@\+<start>h'/],
    ['x3@2h/6h', /no valid start/],
    ['x3@+2.5h/6h', /no valid start/],
    ['x3@+2h', /no '\/<duration>h'/],
    ['x3@+2h/6', /no valid duration/],
    ['x3@+2h/0h', /at least 1h/],
    ['x3@+2h/6h,', /is empty/],
  ])('refuses %j with a message naming what is wrong', (text, message) => {
    expect(() => parseShocks(text)).toThrow(ShockSyntaxError);
    expect(() => parseShocks(text)).toThrow(message);
  });

  it('round-trips any well-formed shock', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 500 }), (whole, cents, start, duration) => {
        const factorText = `${whole}.${String(cents).padStart(2, '0')}`;
        const [shock] = parseShocks(`x${factorText}@+${start}h/${duration}h`);
        expect(shock).toEqual({ factor: Number(factorText), startHours: start, durationHours: duration });
      }),
    );
  });
});

describe('applying shocks', () => {
  it('multiplies the hours from start to start + duration: x3@+2h/6h is steps 3..8', () => {
    const multipliers = shockMultipliers(parseShocks('x3@+2h/6h'), 10);

    expect([...multipliers]).toEqual([1, 1, 3, 3, 3, 3, 3, 3, 1, 1]);
  });

  it('multiplies overlapping shocks and clips at the horizon', () => {
    const multipliers = shockMultipliers(parseShocks('x2@+1h/3h,x5@+3h/10h'), 5);

    expect([...multipliers]).toEqual([1, 2, 2, 10, 5]);
  });

  it('returns new paths and leaves the input unchanged', () => {
    const paths = [Float64Array.from([1, 2, 3])];

    const shocked = applyShocks(paths, parseShocks('x2@+1h/1h'));

    expect([...shocked[0]!]).toEqual([1, 4, 3]);
    expect([...paths[0]!]).toEqual([1, 2, 3]);
  });
});
