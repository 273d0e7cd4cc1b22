import { stringifyEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Alert, Flex, Text } from '@backstage/ui';
import { useWhatRunsWhere } from '../../hooks/useWhatRunsWhere';
import { PromotionPath } from './PromotionPath';

/**
 * The "Deployments" tab of a component: what runs in each of its
 * environments along its promotion path, live, and the way to promote from
 * one to the next.
 */
export function ComponentDeploymentsContent() {
  const { entity } = useEntity();
  const componentRef = stringifyEntityRef(entity);
  const { whatRunsWhere, error } = useWhatRunsWhere(componentRef);
  const title = entity.metadata.title ?? entity.metadata.name;

  return (
    <Flex direction="column" gap="4">
      <Flex direction="column" gap="1">
        <Text as="h2" variant="title-small">
          Deployments of {title}
        </Text>
        {whatRunsWhere && (
          <Text variant="body-small" color="secondary">
            Promotion path: {whatRunsWhere.promotionPath.join(' → ')}
          </Text>
        )}
      </Flex>
      {error && (
        <Alert
          status="danger"
          title="Could not read what runs where"
          description={error.message}
        />
      )}
      {!whatRunsWhere && !error && <Progress />}
      {whatRunsWhere && <PromotionPath whatRunsWhere={whatRunsWhere} />}
    </Flex>
  );
}
