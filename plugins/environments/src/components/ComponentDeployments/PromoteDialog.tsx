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
  PolicyDeniedDetails,
  policyDenialOf,
  PromoteRequest,
  promoteRequestSchema,
} from '@internal/backstage-plugin-environments-common';
import { useCallback, useMemo, useState } from 'react';
import { environmentsApiRef } from '../../api';
import { useDialogAction } from '../EnvironmentActions/useDialogAction';
import {
  PolicyBlockedNote,
  PolicyFeedback,
  PolicyMessages,
  usePolicyDryRun,
} from '../Policy';
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
 * What the platform's policies would deny or warn about is shown before
 * (a denial disables Promote) and after; a promotion accepted with warnings
 * keeps the dialog open to show them.
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

  const [denial, setDenial] = useState<PolicyDeniedDetails>();
  const [accepted, setAccepted] = useState<Deployment>();

  const request: PromoteRequest = useMemo(
    () => ({
      // The deployment previewed, even if the source moved on meanwhile.
      deploymentId: source.id,
      source: 'ui',
      ...(message.trim() && { message: message.trim() }),
    }),
    [source.id, message],
  );
  const evaluate = useCallback(
    (body: PromoteRequest) =>
      api.evaluatePolicy({
        action: 'deployment.promote',
        environmentId: target.environmentId,
        request: body,
      }),
    [api, target.environmentId],
  );
  const policy = usePolicyDryRun(
    isOpen ? evaluate : undefined,
    problem ? undefined : request,
  );
  const blocked = !denial && policy.denied;

  const close = () => {
    setMessage('');
    setDenial(undefined);
    setAccepted(undefined);
    onOpenChange(false);
  };
  const { run, pending, error } = useDialogAction(
    async () => {
      setDenial(undefined);
      try {
        const promotion = await api.promote(target.environmentId, request);
        if (promotion.policy?.warnings.length) setAccepted(promotion);
        else close();
      } catch (failure) {
        setDenial(policyDenialOf(failure));
        throw failure;
      }
    },
    () => {},
  );
  const promote = async () => {
    if (problem || blocked) return;
    await run();
  };

  if (accepted) {
    return (
      <Dialog
        isOpen={isOpen}
        onOpenChange={open => (open ? onOpenChange(true) : close())}
        width={640}
      >
        <DialogHeader>
          Promoted {source.version} to {targetName}
        </DialogHeader>
        <DialogBody>
          <Flex direction="column" gap="4">
            <Text as="p">
              Deployment {accepted.sequence} is {accepted.state} in{' '}
              <strong>{targetName}</strong>.
            </Text>
            <PolicyMessages
              when="after"
              subject="promotion"
              warn={accepted.policy?.warnings}
            />
          </Flex>
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
      width={640}
    >
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
            onChange={value => {
              setMessage(value);
              setDenial(undefined);
            }}
            isInvalid={Boolean(problem)}
            validationBehavior="aria"
            validate={() => problem ?? null}
          />
          <PolicyFeedback subject="promotion" dryRun={policy} denial={denial} />
          {error && !denial && (
            <Alert status="danger" title="Not promoted" description={error} />
          )}
          {blocked && (
            <PolicyBlockedNote id="promote-policy-blocked" action="Promoting" />
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
          isDisabled={Boolean(problem) || blocked}
          aria-describedby={blocked ? 'promote-policy-blocked' : undefined}
          onPress={promote}
        >
          Promote
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
