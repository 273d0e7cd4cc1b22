import { ApiException } from '@kubernetes/client-node';
import { ForwardedError } from '@backstage/errors';
import { failureSummary } from './failureSummary';

const invalid = {
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message:
    'Deployment.apps "orders-service" is invalid: spec.template.spec.containers[0].image: Required value',
  reason: 'Invalid',
  code: 422,
};

describe('failureSummary', () => {
  it('keeps the Kubernetes message of a failed apply and drops the HTTP exchange', () => {
    const error = new ForwardedError(
      'Failed to apply Deployment orders-service',
      new ApiException(
        422,
        'Unknown API Status Code!',
        JSON.stringify(invalid),
        {
          'audit-id': 'c0ffee',
          'content-type': 'application/json',
          'x-kubernetes-pf-flowschema-uid': 'abc',
        },
      ),
    );

    expect(failureSummary(error.message)).toBe(
      'Failed to apply Deployment orders-service: Deployment.apps "orders-service" is invalid: spec.template.spec.containers[0].image: Required value',
    );
  });

  it('says what the API answered when the body is not a Status', () => {
    const error = new ForwardedError(
      'Failed to apply Namespace orders-service-pr-1',
      new ApiException(503, 'Service Unavailable', '<html>upstream</html>', {
        server: 'nginx',
      }),
    );

    expect(failureSummary(error.message)).toBe(
      'Failed to apply Namespace orders-service-pr-1: the Kubernetes API answered 503 (Service Unavailable)',
    );
  });

  it('leaves other messages alone, on one line and of a readable length', () => {
    expect(failureSummary('connect ECONNREFUSED 127.0.0.1:6443')).toBe(
      'connect ECONNREFUSED 127.0.0.1:6443',
    );
    expect(failureSummary('first\n  second')).toBe('first second');
    expect(failureSummary('x'.repeat(2000))).toHaveLength(500);
  });
});
