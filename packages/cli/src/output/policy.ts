import {
  PolicyDeniedDetails,
  PolicyMessage,
} from '@internal/backstage-plugin-environments-common';
import { Colors } from './color';

/** One rule's message as idp prints it: the message, then its rule id. */
function messageLine(message: PolicyMessage, colors: Colors): string {
  return `${message.message} ${colors.dim(`(${message.rule})`)}`;
}

/**
 * The warnings the platform's policies gave with an accepted change, one a
 * line, for stderr: the change was made.
 */
export function policyWarningLines(
  warnings: PolicyMessage[] | undefined,
  colors: Colors,
): string[] {
  return (warnings ?? []).map(
    warning => `${colors.yellow('warning:')} ${messageLine(warning, colors)}`,
  );
}

/** A policy denial: a headline and every rule that denied, then the warnings. */
export function policyDenialLines(
  denial: PolicyDeniedDetails,
  colors: Colors,
): string[] {
  const count = denial.violations.length;
  return [
    `denied by the platform's policies (${
      count === 1 ? '1 rule' : `${count} rules`
    }):`,
    ...denial.violations.map(
      violation => `  ${colors.red('✗')} ${messageLine(violation, colors)}`,
    ),
    ...denial.warnings.map(
      warning => `  ${colors.yellow('!')} ${messageLine(warning, colors)}`,
    ),
  ];
}
