import { InputError } from '@backstage/errors';
import {
  assertSecretKey,
  SECRET_UPDATED_AT_ANNOTATION,
  secretKeys,
  secretUpdateTimes,
  withoutValue,
} from './secrets';

describe('workload secrets', () => {
  it('lists the keys sorted, with their update times and never a value', () => {
    const keys = secretKeys({
      metadata: {
        creationTimestamp: new Date('2026-12-01T10:00:00Z'),
        annotations: {
          [SECRET_UPDATED_AT_ANNOTATION]: JSON.stringify({
            'db-password': '2026-12-02T01:00:00.000Z',
          }),
        },
      },
      data: { 'db-password': 'aHVudGVyMg==', 'api-token': 'c2VjcmV0' },
    });
    expect(keys).toEqual([
      // Set by hand: no time of its own, so the Secret's.
      { key: 'api-token', updatedAt: '2026-12-01T10:00:00.000Z' },
      { key: 'db-password', updatedAt: '2026-12-02T01:00:00.000Z' },
    ]);
    expect(JSON.stringify(keys)).not.toContain('aHVudGVyMg==');
  });

  it('reads an annotation that is not a JSON object of strings as no times', () => {
    for (const raw of ['not json', '[1]', '{"a":1}', 'null']) {
      expect(
        secretUpdateTimes({
          metadata: { annotations: { [SECRET_UPDATED_AT_ANNOTATION]: raw } },
        }),
      ).toEqual({});
    }
  });

  it('refuses a key Kubernetes would refuse, naming the rule', () => {
    expect(() => assertSecretKey('db password')).toThrow(InputError);
    expect(() => assertSecretKey('db password')).toThrow(
      'Invalid secret key "db password": must hold only letters, digits, "-", "_" and "."',
    );
    expect(() => assertSecretKey('db.password_1-x')).not.toThrow();
  });

  it('takes the value, plain and base64, out of an error, and keeps its status code', () => {
    const error = Object.assign(
      new Error(
        'HTTP-Code: 422 Body: {"message":"hunter2 aHVudGVyMg== is invalid"}',
      ),
      { code: 422 },
    );
    const cleaned = withoutValue(error, 'hunter2') as Error & { code: number };
    expect(cleaned.message).toBe(
      'HTTP-Code: 422 Body: {"message":"[redacted] [redacted] is invalid"}',
    );
    expect(cleaned.code).toBe(422);
    expect(withoutValue(error, undefined)).toBe(error);
  });
});
