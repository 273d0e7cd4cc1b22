import {
  Environment,
  ENVIRONMENT_STATUSES,
} from '@internal/backstage-plugin-environments-common';
import { z } from 'zod';

const text = z.string().min(1, 'must not be empty');

// Checks the fields the catalog entity is made of; the rest of the
// environment is passed along untouched.
const environmentChangedSchema = z.object({
  environment: z.looseObject({
    id: text,
    name: text,
    namespace: text,
    componentRef: text,
    ownerRef: text,
    systemRef: text.optional(),
    type: text,
    status: z.enum(ENVIRONMENT_STATUSES),
    reason: z.string().optional(),
    updatedAt: z.iso.datetime({ offset: true }),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  }),
});

/**
 * Reads the payload of an `environments.changed` event.
 *
 * @returns the environment, or the problems found, each naming its field.
 */
export function readEnvironmentChangedPayload(
  payload: unknown,
): { environment: Environment } | { problems: string[] } {
  const result = environmentChangedSchema.safeParse(payload);
  if (!result.success) {
    return {
      problems: result.error.issues.map(
        issue => `${issue.path.join('.') || 'payload'}: ${issue.message}`,
      ),
    };
  }
  return { environment: result.data.environment as unknown as Environment };
}
