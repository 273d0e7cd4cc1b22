import { Text } from '@backstage/ui';
import { PolicyDeniedDetails } from '@internal/backstage-plugin-environments-common';
import { PolicyMessages } from './PolicyMessages';
import { usePolicyDryRun } from './usePolicyDryRun';

export type PolicyDryRun = ReturnType<typeof usePolicyDryRun>;

/**
 * A form's policy messages: the denial its last submit got, until the draft
 * changes, else what the dry run says about the draft.
 */
export function PolicyFeedback(props: {
  subject: string;
  dryRun: PolicyDryRun;
  /** The 403 the last submit got, read with `policyDenialOf`. */
  denial?: PolicyDeniedDetails;
}) {
  const { subject, dryRun, denial } = props;
  if (denial) {
    return (
      <PolicyMessages
        when="after"
        subject={subject}
        deny={denial.violations}
        warn={denial.warnings}
      />
    );
  }
  return (
    <PolicyMessages
      when="before"
      subject={subject}
      deny={dryRun.shown?.deny}
      warn={dryRun.shown?.warn}
      isPending={dryRun.isPending}
    />
  );
}

/**
 * Beside a submit button that a denial disables: why it is disabled. The
 * button's `aria-describedby` should point at `id`.
 */
export function PolicyBlockedNote(props: { id: string; action: string }) {
  return (
    <Text id={props.id} as="p" variant="body-small" color="danger">
      {props.action} is not possible: the platform's policies deny it, as said
      above. Change what they name to go ahead.
    </Text>
  );
}
