import { formatAge } from './deploymentAge';

describe('formatAge', () => {
  const at = '2026-11-21T09:00:00.000Z';
  const after = (seconds: number) => Date.parse(at) + seconds * 1000;

  it.each([
    [0, 'just now'],
    [59, 'just now'],
    [60, '1 minute ago'],
    [5 * 60 + 30, '5 minutes ago'],
    [2 * 3600, '2 hours ago'],
    [86_400, 'yesterday'],
    [3 * 86_400, '3 days ago'],
  ])('%i s later: %s', (seconds, expected) => {
    expect(formatAge(at, after(seconds))).toBe(expected);
  });

  it('says "just now" for a time a little ahead of the clock', () => {
    expect(formatAge(at, after(-5))).toBe('just now');
  });
});
