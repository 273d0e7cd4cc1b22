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
import {
  Deployment,
  PolicyDeniedDetails,
  policyDenialOf,
  RollbackRequest,
} from '@internal/backstage-plugin-environments-common';
import { useCallback, useRef, useState } from 'react';
import { environmentsApiRef } from '../../api';
import { useDialogAction } from '../EnvironmentActions/useDialogAction';
import {
  PolicyBlockedNote,
  PolicyFeedback,
  PolicyMessages,
  usePolicyDryRun,
} from '../Policy';
import { deploymentLabel } from '../DeploymentDiff/deploymentLabel';
import { formatDateTime } from '../format';
import { rollbackRequest } from './rollbackProblems';

/**
 * Rolls an environment back to one of its deployments that succeeded. The
 * reason is required, checked as the user types by the API's own schema:
 * the dialog sends nothing without one. After a rollback the environment
 * is pinned, which the dialog says before the user confirms. What the
 * platform's policies would deny or warn about is shown before (a denial
 * disables Roll back) and after; a rollback accepted with warnings keeps the
 * dialog open to show them.
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

  const [denial, setDenial] = useState<PolicyDeniedDetails>();
  const [accepted, setAccepted] = useState<Deployment>();
  const evaluate = useCallback(
    (request: RollbackRequest) =>
      api.evaluatePolicy({
        action: 'deployment.rollback',
        environmentId,
        request,
      }),
    [api, environmentId],
  );
  const policy = usePolicyDryRun(
    isOpen ? evaluate : undefined,
    checked.request,
  );
  const blocked = !denial && policy.denied;

  const close = () => {
    setDenial(undefined);
    setAccepted(undefined);
    onOpenChange(false);
  };
  const { run, pending, error, clearError } = useDialogAction(
    async () => {
      if (!checked.request) return;
      setDenial(undefined);
      try {
        const rollback = await api.rollback(environmentId, checked.request);
        props.onRolledBack?.(rollback);
        if (rollback.policy?.warnings.length) setAccepted(rollback);
        else close();
      } catch (failure) {
        setDenial(policyDenialOf(failure));
        throw failure;
      }
    },
    () => {},
  );
  const rollBack = async () => {
    setTouched(true);
    if (!checked.request) {
      field.current?.querySelector('input')?.focus();
      return;
    }
    if (blocked) return;
    await run();
  };

  if (accepted) {
    return (
      <Dialog
        isOpen={isOpen}
        onOpenChange={open => (open ? onOpenChange(true) : close())}
      >
        <DialogHeader>
          Rolled {environmentName} back to {deploymentLabel(target)}
        </DialogHeader>
        <DialogBody>
          <PolicyMessages
            when="after"
            subject="rollback"
            warn={accepted.policy?.warnings}
          />
        </DialogBody>
        <DialogFooter>
          <Button variant="primary" onPress={close}>
            Done
          </Button>
        </DialogFooter>
      </Dialog>
    );
  }

  return (
    <Dialog
      isOpen={isOpen}
      onOpenChange={open => (open ? onOpenChange(true) : close())}
    >
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
              setDenial(undefined);
              clearError();
            }}
            validationBehavior="aria"
            validate={() => problem ?? null}
            onKeyDown={event => {
              if (event.key === 'Enter') rollBack();
            }}
          />
          <PolicyFeedback subject="rollback" dryRun={policy} denial={denial} />
          {blocked && (
            <PolicyBlockedNote
              id="rollback-policy-blocked"
              action="Rolling back"
            />
          )}
          {error && !denial && (
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
        <Button
          destructive
          isPending={pending}
          isDisabled={blocked}
          aria-describedby={blocked ? 'rollback-policy-blocked' : undefined}
          onPress={rollBack}
        >
          Roll back
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
