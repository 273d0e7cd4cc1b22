import { Alert, Button, Flex, VisuallyHidden } from '@backstage/ui';
import {
  Environment,
  EnvironmentRequest,
  EnvironmentTypeDescription,
  PolicyEvaluation,
} from '@internal/backstage-plugin-environments-common';
import { FormValidationContext } from 'react-aria-components';
import {
  ComponentAndTypeFields,
  ComponentOption,
} from './ComponentAndTypeFields';
import { PolicyBlockedNote, PolicyFeedback } from '../Policy';
import { NameAndTtlFields } from './NameAndTtlFields';
import { OverrideFields } from './OverrideFields';
import { sentence } from './requestDraft';
import { ResourceFields } from './ResourceFields';
import { useEnvironmentRequestForm } from './useEnvironmentRequestForm';

export type { ComponentOption };

export type EnvironmentRequestFormProps = {
  types: EnvironmentTypeDescription[];
  components: ComponentOption[];
  /** Preselects a component, for example when opened from its page. */
  initialComponentRef?: string;
  /** Sends the request; a `ResponseError` with `issues` is shown on the fields. */
  onSubmit: (request: EnvironmentRequest) => Promise<Environment>;
  onCreated: (environment: Environment) => void;
  /**
   * A dry run of the policies on what the request would send, shown as the
   * draft changes; keep it stable across renders (`useCallback`).
   */
  onEvaluatePolicy?: (request: EnvironmentRequest) => Promise<PolicyEvaluation>;
  onCancel?: () => void;
};

/**
 * The request form. It validates as the user types, with the same shared
 * schema as the backend, and shows each problem next to its field once the
 * field was touched, or on submit; the backend's answer to an invalid request
 * lands on the same fields. What the platform's policies would deny or
 * warn about is shown before the submit (a denial disables it), and a denial
 * after.
 */
export function EnvironmentRequestForm(props: EnvironmentRequestFormProps) {
  const { types, components, onCancel } = props;
  const form = useEnvironmentRequestForm({
    types,
    componentRefs: components.map(c => c.ref),
    initialComponentRef: props.initialComponentRef,
    onSubmit: props.onSubmit,
    onCreated: props.onCreated,
    onEvaluatePolicy: props.onEvaluatePolicy,
  });
  const { formIssues } = form;
  const blocked = !form.denial && form.policy.denied;

  return (
    <FormValidationContext.Provider value={form.pickerErrors}>
      <form
        ref={form.formRef}
        onSubmit={form.submit}
        noValidate
        aria-label="Request an environment"
      >
        <Flex direction="column" gap="4">
          <ComponentAndTypeFields
            form={form}
            components={components}
            types={types}
          />
          <NameAndTtlFields form={form} />
          <OverrideFields form={form} />
          <ResourceFields form={form} />

          <PolicyFeedback
            subject="request"
            dryRun={form.policy}
            denial={form.denial}
          />
          {formIssues.length > 0 && (
            <Alert
              status="danger"
              title="The request was not accepted"
              description={formIssues
                .map(issue =>
                  issue.field === 'request'
                    ? sentence(issue.rule)
                    : `${issue.field}: ${issue.rule}`,
                )
                .join('\n')}
            />
          )}
          <VisuallyHidden aria-live="polite" role="status">
            {form.announcement}
          </VisuallyHidden>
          <Flex gap="2">
            <Button
              type="submit"
              variant="primary"
              isPending={form.submitting}
              isDisabled={blocked}
              aria-describedby={blocked ? 'request-policy-blocked' : undefined}
            >
              Request environment
            </Button>
            {onCancel && (
              <Button variant="secondary" onPress={onCancel}>
                Cancel
              </Button>
            )}
          </Flex>
          {blocked && (
            <PolicyBlockedNote
              id="request-policy-blocked"
              action="Requesting it"
            />
          )}
        </Flex>
      </form>
    </FormValidationContext.Provider>
  );
}
