import { hasSucceeded } from './deployment';

describe('hasSucceeded', () => {
  const finishedAt = '2026-11-21T09:01:00.000Z';

  it('counts a succeeded deployment, and a superseded one that finished without a reason', () => {
    expect(hasSucceeded({ state: 'succeeded', finishedAt })).toBe(true);
    expect(hasSucceeded({ state: 'superseded', finishedAt })).toBe(true);
  });

  it('does not count one superseded before it finished, or that failed first', () => {
    expect(hasSucceeded({ state: 'superseded' })).toBe(false);
    expect(
      hasSucceeded({ state: 'superseded', finishedAt, reason: 'CrashLoop' }),
    ).toBe(false);
  });

  it('does not count any other state', () => {
    for (const state of [
      'pending-approval',
      'rolling-out',
      'failed',
      'rolled-back',
      'rejected',
      'expired',
    ] as const) {
      expect(hasSucceeded({ state, finishedAt })).toBe(false);
    }
  });
});
