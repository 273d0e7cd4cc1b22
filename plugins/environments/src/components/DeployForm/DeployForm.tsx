import { Alert, Button, Flex, VisuallyHidden } from '@backstage/ui';
import {
  Deployment,
  DeployRequest,
  EnvironmentPin,
  EnvironmentTypeDescription,
  ResolvedConfig,
} from '@internal/backstage-plugin-environments-common';
import { RiRocketLine } from '@remixicon/react';
import { useDeployForm } from '../../hooks/useDeployForm';
import { DeployVersion } from '../../hooks/useDeployVersions';
import { entityName } from '../format';
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
  onCancel?: () => void;
};

/**
 * The deploy form: a version, replicas, resources and variables, each with
 * the layer its value comes from. It validates as the user types with the
 * schemas and bounds the API uses, shows each problem next to its field once
 * the field was touched, or all of them on submit, and puts the API's answer
 * on the fields it names.
 */
export function DeployForm(props: DeployFormProps) {
  const { environmentName, versions, pin, onCancel } = props;
  const form = useDeployForm({
    configuration: props.configuration,
    type: props.type,
    onSubmit: props.onSubmit,
    onDeployed: props.onDeployed,
  });
  const { formIssues, draft, change, errorFor } = form;

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
          >
            Deploy
          </Button>
          {onCancel && (
            <Button variant="secondary" onPress={onCancel}>
              Cancel
            </Button>
          )}
        </Flex>
      </Flex>
    </form>
  );
}
