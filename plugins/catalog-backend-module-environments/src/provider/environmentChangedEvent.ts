import {
  EnvironmentChangedEvent,
  environmentChangedEventSchema,
} from '@internal/backstage-plugin-environments-common';

/**
 * Reads the payload of an `environments.changed` event with the contract's
 * schema, the one the backend's environments are made to.
 *
 * @returns the event, or the problems found, each naming its field.
 */
export function readEnvironmentChangedPayload(
  payload: unknown,
): EnvironmentChangedEvent | { problems: string[] } {
  const result = environmentChangedEventSchema.safeParse(payload);
  if (!result.success) {
    return {
      problems: result.error.issues.map(
        issue => `${issue.path.join('.') || 'payload'}: ${issue.message}`,
      ),
    };
  }
  return result.data;
}
