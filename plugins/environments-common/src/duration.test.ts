import { parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['30m', 30 * 60 * 1000],
    ['4h', 4 * 60 * 60 * 1000],
    ['36h', 36 * 60 * 60 * 1000],
    ['3d', 3 * 24 * 60 * 60 * 1000],
  ])('reads %s as %s milliseconds', (duration, milliseconds) => {
    expect(parseDuration(duration)).toBe(milliseconds);
  });

  it('rejects text that is not a duration, naming the expected format', () => {
    expect(() => parseDuration('2 days')).toThrow(
      'Invalid duration: must be a duration: a whole number followed by m (minutes), h (hours) or d (days), such as "30m", "4h" or "3d" (got "2 days")',
    );
  });

  it.each(['4', 'h', '4H', '1.5h', '1d12h', '-1h', '4s', ''])(
    'rejects %j',
    duration => {
      expect(() => parseDuration(duration)).toThrow('Invalid duration');
    },
  );

  it.each(['100000000d', '99999999999999999999999d', '3651d', '87601h'])(
    'rejects %j as longer than ten years, before it overflows a date',
    duration => {
      expect(() => parseDuration(duration)).toThrow(
        `Invalid duration: must be at most 3650d, ten years (got "${duration}")`,
      );
    },
  );

  it('accepts ten years', () => {
    expect(parseDuration('3650d')).toBe(3650 * 86_400_000);
  });

  it('rejects a duration of zero', () => {
    expect(() => parseDuration('0h')).toThrow(
      'Invalid duration: must be longer than 0 (got "0h")',
    );
  });
});
