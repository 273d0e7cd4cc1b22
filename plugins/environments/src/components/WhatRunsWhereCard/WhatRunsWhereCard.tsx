import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  Link,
  Text,
} from '@backstage/ui';
import { EnvironmentDeployments } from '@internal/backstage-plugin-environments-common';
import { useWhatRunsWhere } from '../../hooks/useWhatRunsWhere';
import { COMPONENT_DEPLOYMENTS_TAB_PATH } from '../../routes';
import { DeploymentStateBadge } from '../DeploymentStateBadge';
import { promotionStages } from '../ComponentDeployments/promotionStages';

const HEADING_ID = 'what-runs-where-heading';

const cell = { padding: '4px 16px 4px 0', textAlign: 'left' } as const;

function Row(props: { environment: EnvironmentDeployments }) {
  const { environment } = props;
  const { current, pending } = environment;
  return (
    <tr>
      <th scope="row" style={cell}>
        <Text variant="body-small" weight="bold">
          {environment.environmentName}
        </Text>
      </th>
      <td style={cell}>
        <Text variant="body-small">{current?.version ?? '—'}</Text>
      </td>
      <td style={cell}>
        {current ? (
          <DeploymentStateBadge state={current.state} />
        ) : (
          <Text variant="body-small" color="secondary">
            nothing deployed
          </Text>
        )}
        {environment.pin && (
          <Text variant="body-small" color="warning">
            {' '}
            · pinned
          </Text>
        )}
        {pending && (
          <Text variant="body-small" color="info">
            {' '}
            · {pending.version} waits for approval
          </Text>
        )}
      </td>
    </tr>
  );
}

/**
 * The "What runs where" card of a component's overview: the version and
 * state in each of its environments, in promotion order, live, with a link
 * to the Deployments tab that shows more and promotes.
 */
export function WhatRunsWhereCard() {
  const { entity } = useEntity();
  const entityLink = useEntityRefLink();
  const { whatRunsWhere, error } = useWhatRunsWhere(stringifyEntityRef(entity));
  const ordered = whatRunsWhere
    ? (() => {
        const { stages, others } = promotionStages(whatRunsWhere);
        return [
          ...stages.flatMap(stage =>
            stage.environment ? [stage.environment] : [],
          ),
          ...others,
        ];
      })()
    : undefined;

  return (
    <Card role="region" aria-labelledby={HEADING_ID}>
      <CardHeader>
        <Text as="h2" variant="title-small" id={HEADING_ID}>
          What runs where
        </Text>
      </CardHeader>
      <CardBody>
        {error && (
          <Text variant="body-small" color="danger">
            Could not read what runs where: {error.message}
          </Text>
        )}
        {!ordered && !error && (
          <Text variant="body-small" color="secondary">
            Reading its environments…
          </Text>
        )}
        {ordered?.length === 0 && (
          <Text variant="body-small" color="secondary">
            No environments yet.
          </Text>
        )}
        {ordered && ordered.length > 0 && (
          <table
            aria-label="What runs where"
            style={{ borderCollapse: 'collapse' }}
          >
            <thead>
              <tr>
                {['Environment', 'Version', 'State'].map(heading => (
                  <th key={heading} scope="col" style={cell}>
                    <Text variant="body-small" color="secondary">
                      {heading}
                    </Text>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ordered.map(environment => (
                <Row
                  key={environment.environmentId}
                  environment={environment}
                />
              ))}
            </tbody>
          </table>
        )}
      </CardBody>
      <CardFooter>
        <Link href={`${entityLink(entity)}${COMPONENT_DEPLOYMENTS_TAB_PATH}`}>
          Deployments
        </Link>
      </CardFooter>
    </Card>
  );
}
