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
  TextField,
} from '@backstage/ui';
import { Deployment } from '@internal/backstage-plugin-environments-common';
import { useRef, useState } from 'react';
import { environmentsApiRef } from '../../api';
import { useDialogAction } from '../EnvironmentActions/useDialogAction';
import { deploymentLabel } from '../DeploymentDiff/deploymentLabel';
import { formatDateTime } from '../format';
import { rollbackRequest } from './rollbackProblems';

/**
 * Rolls an environment back to one of its deployments that succeeded. The
 * reason is required, checked as the user types by the API's own schema:
 * the dialog sends nothing without one. After a rollback the environment
 * is pinned, which the dialog says before the user confirms.
 */
export function RollbackDialog(props: {
  environmentName: string;
  environmentId: string;
  target: Deployment;
  isOpen: boolean;
  onOpenChange: (isOpen: boolean) => void;
  onRolledBack?: (rollback: Deployment) => void;
}) {
  const { environmentName, environmentId, target, isOpen, onOpenChange } =
    props;
  const api = useApi(environmentsApiRef);
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  // The text field's ref is its wrapper; the focus belongs in its input.
  const field = useRef<HTMLDivElement>(null);
  const checked = rollbackRequest(target, reason);
  const problem = touched ? checked.problem : undefined;

  const { run, pending, error, clearError } = useDialogAction(
    async () => {
      if (!checked.request) return;
      const rollback = await api.rollback(environmentId, checked.request);
      props.onRolledBack?.(rollback);
    },
    () => onOpenChange(false),
  );
  const rollBack = async () => {
    setTouched(true);
    if (!checked.request) {
      field.current?.querySelector('input')?.focus();
      return;
    }
    await run();
  };

  return (
    <Dialog isOpen={isOpen} onOpenChange={onOpenChange}>
      <DialogHeader>
        Roll {environmentName} back to {deploymentLabel(target)}?
      </DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          <Text>
            This deploys again what deployment {target.sequence} rolled out on{' '}
            {formatDateTime(target.finishedAt ?? target.createdAt)}: image{' '}
            <strong>{target.config.image}</strong>, {target.config.replicas}{' '}
            {target.config.replicas === 1 ? 'replica' : 'replicas'}. The
            environment is then pinned: nothing automatic (CI, webhooks,
            promotions) rolls it forward until someone deploys to it by hand.
          </Text>
          <TextField
            ref={field}
            label="Reason"
            description="Required. Shown in the history and on the pin."
            name="reason"
            isRequired
            value={reason}
            onChange={value => {
              setReason(value);
              setTouched(true);
              clearError();
            }}
            validationBehavior="aria"
            validate={() => problem ?? null}
            onKeyDown={event => {
              if (event.key === 'Enter') rollBack();
            }}
          />
          {error && (
            <Alert
              status="danger"
              title="The environment was not rolled back"
              description={error}
            />
          )}
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" slot="close">
          Cancel
        </Button>
        <Button destructive isPending={pending} onPress={rollBack}>
          Roll back
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
