import { Card, CardBody, Flex, Text } from '@backstage/ui';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { useId } from 'react';
import { FactList, Fact } from '../FactList';
import { entityName, formatDateTime } from '../format';
import { statusLabel } from '../StatusBadge';
import { DecisionForm, Outcome } from './DecisionForm';
import { decisionFact } from './decisionFact';
import { isWaitingForApproval, WaitingForApproval } from './WaitingForApproval';

/** "orders-service production (production)": the environment asked for, in a few words. */
export function environmentSubject(environment: Environment): string {
  return `${entityName(environment.componentRef)} ${environment.name} (${
    environment.type
  })`;
}

/** What approving provisions: the overrides and resources asked for. */
function requestFacts(environment: Environment): Fact[] {
  const { overrides, resources, image } = environment.spec;
  const facts: Fact[] = [];
  if (image) facts.push(['Image', image]);
  if (overrides?.cpu) facts.push(['CPU', overrides.cpu]);
  if (overrides?.memory) facts.push(['Memory', overrides.memory]);
  facts.push([
    'Resources',
    resources.length === 0
      ? 'None'
      : resources.map(r => `${r.name} (${r.type})`).join(', '),
  ]);
  return facts;
}

/**
 * A new environment of a gated type that waits for an approval: who asked,
 * when, what it provisions, and the decision.
 */
export function PendingEnvironmentCard(props: {
  environment: Environment;
  decide?: (outcome: Outcome, comment: string) => Promise<unknown>;
  onDecided?: (outcome: Outcome, comment: string) => void;
}) {
  const { environment, decide, onDecided = () => {} } = props;
  const headingId = useId();
  const subject = environmentSubject(environment);
  const waiting = isWaitingForApproval(environment);
  const facts: Fact[] = [
    ['Requested by', entityName(environment.createdBy)],
    ['Requested', formatDateTime(environment.createdAt)],
    ['Namespace', environment.namespace],
    ...requestFacts(environment),
  ];
  const decision = environment.approval?.decision;
  if (decision) {
    facts.push(decisionFact(decision));
  }
  return (
    <section aria-labelledby={headingId}>
      <Card>
        <CardBody>
          <Flex direction="column" gap="3">
            <Flex direction="column" gap="1">
              <Text as="h3" variant="title-x-small" id={headingId}>
                {subject}
              </Text>
              {waiting && environment.approval ? (
                <WaitingForApproval approval={environment.approval} />
              ) : (
                <Text variant="body-small" weight="bold">
                  Now {statusLabel(environment.status).toLocaleLowerCase()}
                </Text>
              )}
            </Flex>
            <FactList facts={facts} />
            {decide && waiting && (
              <DecisionForm
                subject={subject}
                decide={decide}
                onDecided={onDecided}
              />
            )}
          </Flex>
        </CardBody>
      </Card>
    </section>
  );
}
