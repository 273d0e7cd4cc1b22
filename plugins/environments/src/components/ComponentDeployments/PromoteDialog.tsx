import { useApi } from '@backstage/frontend-plugin-api';
import {
  Alert,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Text,
  TextAreaField,
} from '@backstage/ui';
import {
  Deployment,
  EnvironmentDeployments,
  parseWithIssues,
  promoteRequestSchema,
} from '@internal/backstage-plugin-environments-common';
import { useState } from 'react';
import { environmentsApiRef } from '../../api';
import { useDialogAction } from '../EnvironmentActions/useDialogAction';
import { PromotionPreview } from './PromotionPreview';

/** The message's problem, by the same rule as the API's, once it is typed. */
function messageProblem(message: string): string | undefined {
  if (message.trim() === '') return undefined;
  const parsed = parseWithIssues(promoteRequestSchema, { message });
  return parsed.success
    ? undefined
    : `Message ${parsed.issues.map(i => i.rule).join('; ')}`;
}

/**
 * Asks before promoting: what comes from where, the diff it will apply, and
 * a message for the history; then promotes exactly the deployment shown.
 */
export function PromoteDialog(props: {
  source: Deployment;
  target: EnvironmentDeployments;
  isOpen: boolean;
  onOpenChange: (isOpen: boolean) => void;
}) {
  const { source, target, isOpen, onOpenChange } = props;
  const api = useApi(environmentsApiRef);
  const [message, setMessage] = useState('');
  const problem = messageProblem(message);
  const targetName = target.environmentName;
  const sourceName = source.environmentName;

  const { run, pending, error } = useDialogAction(
    () =>
      api.promote(target.environmentId, {
        // The deployment previewed, even if the source moved on meanwhile.
        deploymentId: source.id,
        source: 'ui',
        ...(message.trim() && { message: message.trim() }),
      }),
    () => {
      setMessage('');
      onOpenChange(false);
    },
  );
  const promote = async () => {
    if (problem) return;
    await run();
  };

  return (
    <Dialog isOpen={isOpen} onOpenChange={onOpenChange} width={640}>
      <DialogHeader>
        Promote {source.version} to {targetName}
      </DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="4">
          <Text as="p">
            Rolls out in <strong>{targetName}</strong> what succeeded in{' '}
            <strong>{sourceName}</strong> (deployment {source.sequence},{' '}
            {source.version})
            {target.current
              ? `, where ${target.current.version} runs now.`
              : '.'}
          </Text>
          {target.pin && (
            <Alert
              status="warning"
              title={`${targetName} is pinned after a rollback`}
              description={`${target.pin.reason}. Promotions are refused until someone deploys to ${targetName} by hand.`}
            />
          )}
          <PromotionPreview isOpen={isOpen} source={source} target={target} />
          <TextAreaField
            label="Message"
            description={`Shown in ${targetName}'s history. Left empty: "Promoted ${source.version} from ${sourceName}".`}
            value={message}
            onChange={setMessage}
            isInvalid={Boolean(problem)}
            validationBehavior="aria"
            validate={() => problem ?? null}
          />
          {error && (
            <Alert status="danger" title="Not promoted" description={error} />
          )}
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" slot="close">
          Cancel
        </Button>
        <Button
          variant="primary"
          isPending={pending}
          isDisabled={Boolean(problem)}
          onPress={promote}
        >
          Promote
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
