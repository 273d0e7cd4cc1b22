import { useApi } from '@backstage/frontend-plugin-api';
import { Alert, Container, Flex, Header, Skeleton, Text } from '@backstage/ui';
import {
  Deployment,
  Environment,
} from '@internal/backstage-plugin-environments-common';
import { ReactNode, useRef, useState } from 'react';
import { environmentsApiRef } from '../../api';
import { Outcome } from './DecisionForm';
import {
  deploymentSubject,
  PendingDeploymentCard,
} from './PendingDeploymentCard';
import {
  environmentSubject,
  PendingEnvironmentCard,
} from './PendingEnvironmentCard';
import { useLiveApprovals } from './useLiveApprovals';

function Section(props: {
  title: string;
  description?: string;
  empty: string;
  children: ReactNode[];
}) {
  return (
    <Flex direction="column" gap="3">
      <Text as="h2" variant="title-small">
        {props.title}
      </Text>
      {props.description && (
        <Text variant="body-small" color="secondary">
          {props.description}
        </Text>
      )}
      {props.children.length === 0 ? (
        <Text color="secondary">{props.empty}</Text>
      ) : (
        props.children
      )}
    </Flex>
  );
}

const pastTense = (outcome: Outcome) =>
  outcome === 'approve' ? 'approved' : 'rejected';

/**
 * `/approvals`: what waits for the signed-in user's decision (deployments
 * into gated environments, and new environments of gated types), each with
 * its requester, what it changes, and approve or reject with a comment; and
 * what the user asked for that waits for someone else, with the outcome once
 * decided. Everything stays current through the `environments` signal.
 */
export function ApprovalsPage() {
  const api = useApi(environmentsApiRef);
  const { approvals, error, loading, reload, isLive } = useLiveApprovals();
  const [announcement, setAnnouncement] = useState<string>();
  const status = useRef<HTMLDivElement>(null);

  const decided = (subject: string) => (outcome: Outcome) => {
    setAnnouncement(`You ${pastTense(outcome)} ${subject}.`);
    // The card and its buttons go away: keyboard users continue from here.
    status.current?.focus();
    reload();
  };
  const decideDeployment =
    (deployment: Deployment) => (outcome: Outcome, comment: string) =>
      outcome === 'approve'
        ? api.approveDeployment(deployment.id, { comment })
        : api.rejectDeployment(deployment.id, { comment });
  const decideEnvironment =
    (environment: Environment) => (outcome: Outcome, comment: string) =>
      outcome === 'approve'
        ? api.approveEnvironment(environment.id, { comment })
        : api.rejectEnvironment(environment.id, { comment });

  const deploymentCard = (deployment: Deployment) => (
    <PendingDeploymentCard
      key={deployment.id}
      deployment={deployment}
      decide={decideDeployment(deployment)}
      onDecided={decided(deploymentSubject(deployment))}
    />
  );
  const environmentCard = (environment: Environment) => (
    <PendingEnvironmentCard
      key={environment.id}
      environment={environment}
      decide={decideEnvironment(environment)}
      onDecided={decided(environmentSubject(environment))}
    />
  );

  return (
    <>
      <Header title="Approvals" />
      <Container>
        <Flex direction="column" gap="5">
          <div ref={status} tabIndex={-1} role="status" aria-live="polite">
            {announcement && <Alert status="success" title={announcement} />}
          </div>
          <Text variant="body-small" color="secondary">
            {isLive
              ? 'This page updates as requests arrive and are decided.'
              : 'Live updates are not available; reload the page to see changes.'}
          </Text>
          {error && (
            <Alert
              status="danger"
              title="Could not load the approvals"
              description={error.message}
            />
          )}
          {loading && <Skeleton width="100%" height={120} />}
          {approvals && (
            <>
              <Section
                title="Deployments waiting for your approval"
                empty="No deployment waits for your approval."
              >
                {approvals.toDecide.deployments.map(deploymentCard)}
              </Section>
              <Section
                title="Environments waiting for your approval"
                empty="No environment waits for your approval."
              >
                {approvals.toDecide.environments.map(environmentCard)}
              </Section>
              <Section
                title="Your requests"
                description="Another member of the approver groups decides what you asked for; the backend refuses your own decision."
                empty="Nothing you asked for needs an approval."
              >
                {[
                  ...approvals.own.deployments.map(deploymentCard),
                  ...approvals.own.environments.map(environmentCard),
                ]}
              </Section>
            </>
          )}
        </Flex>
      </Container>
    </>
  );
}
