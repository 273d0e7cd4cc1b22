import { hideStackTraces } from './hideStackTraces';

/** What the handler touches of a response, and what it finally sent. */
function response(statusCode: number) {
  const sent: unknown[] = [];
  const res = {
    statusCode,
    json(body: unknown) {
      sent.push(body);
      return res;
    },
  };
  return { res, sent };
}

function send(statusCode: number, body: unknown) {
  const { res, sent } = response(statusCode);
  const next = jest.fn();
  // The handler needs only `json` and `statusCode` of a response.
  (hideStackTraces as (req: unknown, res: unknown, next: () => void) => void)(
    {},
    res,
    next,
  );
  expect(next).toHaveBeenCalled();
  res.json(body);
  return sent[0];
}

describe('hideStackTraces', () => {
  it('drops the stack of an error body and of its causes', () => {
    expect(
      send(401, {
        error: {
          name: 'AuthenticationError',
          message: 'Missing credentials',
          stack:
            'AuthenticationError: Missing credentials\n    at barrier.js:1',
          cause: {
            name: 'Error',
            message: 'inner',
            stack: 'Error: inner\n    at x',
          },
        },
        request: { method: 'GET', url: '/api/environments/environments' },
        response: { statusCode: 401 },
      }),
    ).toEqual({
      error: {
        name: 'AuthenticationError',
        message: 'Missing credentials',
        cause: { name: 'Error', message: 'inner' },
      },
      request: { method: 'GET', url: '/api/environments/environments' },
      response: { statusCode: 401 },
    });
  });

  it('leaves successful answers alone, whatever their fields', () => {
    const body = { error: { stack: 'a field of some entity' } };
    expect(send(200, body)).toBe(body);
  });
});
