import { EnvironmentTypeDescription } from '@internal/backstage-plugin-environments-common';
import { entityName } from '../format';

/** What a type gives, one fact per line, for the type picker. */
export function typeFacts(type: EnvironmentTypeDescription): string[] {
  const { cpu, memory, pods } = type.baseline.quota;
  const facts = [
    `Quota: ${cpu} CPU, ${memory} memory${
      pods !== undefined ? `, ${pods} pods` : ''
    }; can be raised to ${type.bounds.cpu} CPU, ${type.bounds.memory} memory`,
    type.ttl
      ? `Expires after ${type.ttl.default} unless you choose otherwise, at most ${type.ttl.max}`
      : 'Does not expire',
  ];
  if (type.requiresApproval) {
    facts.push('Needs approval before it is provisioned');
  }
  if (type.allowedGroups) {
    facts.push(`Only for ${type.allowedGroups.map(entityName).join(', ')}`);
  }
  return facts;
}

/** Why the user cannot pick a type, when they cannot. */
export function whyNotAllowed(
  type: EnvironmentTypeDescription,
): string | undefined {
  if (type.allowed) {
    return undefined;
  }
  const groups = (type.allowedGroups ?? []).map(entityName).join(', ');
  return groups
    ? `You cannot request it: only members of ${groups} may.`
    : 'You cannot request it.';
}
