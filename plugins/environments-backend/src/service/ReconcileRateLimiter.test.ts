import { ReconcileRateLimiter } from './ReconcileRateLimiter';

describe('ReconcileRateLimiter', () => {
  it('accepts one reconcile per environment per interval, and says when to come back', () => {
    let now = 0;
    const limiter = new ReconcileRateLimiter({
      intervalMs: 5000,
      clock: () => now,
    });

    limiter.take('a', 'pr-1');
    limiter.take('b', 'pr-2');
    now = 1200;
    expect(() => limiter.take('a', 'pr-1')).toThrow(
      expect.objectContaining({
        name: 'TooManyRequestsError',
        statusCode: 429,
        retryAfterSeconds: 4,
        message:
          "Environment 'pr-1' was reconciled less than 5s ago; try again in 4s",
      }),
    );
    now = 5000;
    expect(() => limiter.take('a', 'pr-1')).not.toThrow();
    expect(() => limiter.take('b', 'pr-2')).not.toThrow();
    now = 9999;
    expect(() => limiter.take('a', 'pr-1')).toThrow('try again in 1s');
  });

  it('does not count a refused request', () => {
    let now = 0;
    const limiter = new ReconcileRateLimiter({
      intervalMs: 5000,
      clock: () => now,
    });
    limiter.take('a', 'pr-1');
    now = 4000;
    expect(() => limiter.take('a', 'pr-1')).toThrow();
    now = 5000;
    expect(() => limiter.take('a', 'pr-1')).not.toThrow();
  });
});
