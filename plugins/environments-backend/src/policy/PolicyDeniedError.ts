import { NotAllowedError } from '@backstage/errors';
import {
  PolicyAction,
  PolicyDeniedDetails,
  PolicyMessage,
} from '@internal/backstage-plugin-environments-common';

/**
 * The platform's policies refused a request: a 403 whose body lists every
 * rule that denied it, each with its message (`error.violations`), and the
 * warnings given with them, as `policyDeniedDetailsSchema` describes.
 */
export class PolicyDeniedError extends NotAllowedError {
  // The framework's error handler takes the status from `statusCode` when
  // the name is not one of @backstage/errors' own.
  readonly statusCode = 403;
  readonly action: PolicyAction;
  readonly revision?: string;
  readonly violations: PolicyMessage[];
  readonly warnings: PolicyMessage[];

  constructor(details: PolicyDeniedDetails) {
    super(
      `Refused by policy: ${details.violations
        .map(violation => `${violation.message} (${violation.rule})`)
        .join('; ')}`,
    );
    // A NotAllowedError by class, for `instanceof`; by name, for clients.
    (this as { name: string }).name = 'PolicyDeniedError';
    this.action = details.action;
    if (details.revision !== undefined) this.revision = details.revision;
    this.violations = details.violations;
    this.warnings = details.warnings;
  }
}
