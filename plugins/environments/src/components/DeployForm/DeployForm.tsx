import { Alert, Button, Flex, VisuallyHidden } from '@backstage/ui';
import {
  Deployment,
  DeployRequest,
  EnvironmentPin,
  EnvironmentTypeDescription,
  PolicyEvaluation,
  ResolvedConfig,
} from '@internal/backstage-plugin-environments-common';
import { RiRocketLine } from '@remixicon/react';
import { useDeployForm } from '../../hooks/useDeployForm';
import { DeployVersion } from '../../hooks/useDeployVersions';
import { entityName } from '../format';
import { PolicyBlockedNote, PolicyFeedback } from '../Policy';
import { FieldGroup } from '../RequestEnvironment/FieldGroup';
import { FormTextField } from '../RequestEnvironment/FormTextField';
import { sentence } from '../RequestEnvironment/requestDraft';
import { EnvFields } from './EnvFields';
import { ImageFields } from './ImageFields';
import { ScalingFields } from './ScalingFields';

export type DeployFormProps = {
  /** The environment's name, for the form's label. */
  environmentName: string;
  configuration: ResolvedConfig;
  /** The environment's type, for its bounds. */
  type?: EnvironmentTypeDescription;
  versions: DeployVersion[];
  /** Set after a rollback: a deploy by hand lifts it. */
  pin?: EnvironmentPin;
  /** Sends the deploy; a `ResponseError` is shown on the fields it names. */
  onSubmit: (request: DeployRequest) => Promise<Deployment>;
  onDeployed: (deployment: Deployment) => void;
  /**
   * A dry run of the policies on what Deploy would send, shown as the draft
   * changes; keep it stable across renders (`useCallback`).
   */
  onEvaluatePolicy?: (request: DeployRequest) => Promise<PolicyEvaluation>;
  onCancel?: () => void;
};

/**
 * The deploy form: a version, replicas, resources and variables, each with
 * the layer its value comes from. It validates as the user types with the
 * schemas and bounds the API uses, shows each problem next to its field once
 * the field was touched, or all of them on submit, and puts the API's answer
 * on the fields it names. What the platform's policies would deny or warn
 * about is shown before Deploy (a denial disables it), and a denial after.
 */
export function DeployForm(props: DeployFormProps) {
  const { environmentName, versions, pin, onCancel } = props;
  const form = useDeployForm({
    configuration: props.configuration,
    type: props.type,
    onSubmit: props.onSubmit,
    onDeployed: props.onDeployed,
    onEvaluatePolicy: props.onEvaluatePolicy,
  });
  const { formIssues, draft, change, errorFor } = form;
  const blocked = !form.denial && form.policy.denied;

  return (
    <form
      ref={form.formRef}
      onSubmit={form.submit}
      noValidate
      aria-label={`Deploy to ${environmentName}`}
    >
      <Flex direction="column" gap="4">
        {pin && (
          <Alert
            status="warning"
            title={`Pinned by a rollback (${entityName(pin.by)}: "${
              pin.reason
            }")`}
            description="Nothing automatic deploys here while it is pinned. Deploying by hand lifts the pin."
          />
        )}
        <ImageFields form={form} versions={versions} />
        <ScalingFields form={form} />
        <EnvFields form={form} />
        <FieldGroup title="Why">
          <FormTextField
            field="message"
            label="Message"
            value={draft.message}
            onChange={message => change('message', { message })}
            error={errorFor('message')}
            description="Shown in the history. “Deployed <version>” when left empty."
          />
        </FieldGroup>
        <PolicyFeedback
          subject="deployment"
          dryRun={form.policy}
          denial={form.denial}
        />
        {formIssues.length > 0 && (
          <Alert
            status="danger"
            title="The deployment was not accepted"
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
            iconStart={<RiRocketLine />}
            isPending={form.submitting}
            isDisabled={blocked}
            aria-describedby={blocked ? 'deploy-policy-blocked' : undefined}
          >
            Deploy
          </Button>
          {onCancel && (
            <Button variant="secondary" onPress={onCancel}>
              Cancel
            </Button>
          )}
        </Flex>
        {blocked && (
          <PolicyBlockedNote id="deploy-policy-blocked" action="Deploying" />
        )}
      </Flex>
    </form>
  );
}
