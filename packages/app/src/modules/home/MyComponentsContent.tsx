import { stringifyEntityRef } from '@backstage/catalog-model';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { Alert, Flex, Skeleton, Text } from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';

/**
 * The home page's "Your components": the catalog's components owned by the
 * signed-in user or one of their groups, by name.
 */
export function MyComponentsContent() {
  const catalogApi = useApi(catalogApiRef);
  const identityApi = useApi(identityApiRef);
  const components = useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'component', 'relations.ownedBy': ownershipEntityRefs },
      fields: ['kind', 'metadata', 'spec.type', 'spec.lifecycle'],
      order: { field: 'metadata.name', order: 'asc' },
    });
    return items;
  }, [catalogApi, identityApi]);

  if (components.error) {
    return (
      <Alert
        status="danger"
        title="Could not load your components"
        description={components.error.message}
      />
    );
  }
  if (!components.value) {
    return <Skeleton width="100%" height={64} />;
  }
  if (components.value.length === 0) {
    return (
      <Text color="secondary">
        Neither you nor your teams own a component yet.
      </Text>
    );
  }
  return (
    <ul
      aria-label="your components"
      style={{
        listStyle: 'none',
        margin: 0,
        padding: 0,
        display: 'grid',
        gap: 8,
      }}
    >
      {components.value.map(entity => (
        <li key={stringifyEntityRef(entity)}>
          <Flex direction="column" gap="1">
            <EntityRefLink entityRef={entity} disableTooltip />
            <Text variant="body-small" color="secondary">
              {[entity.spec?.type, entity.spec?.lifecycle]
                .filter(Boolean)
                .join(' · ')}
            </Text>
          </Flex>
        </li>
      ))}
    </ul>
  );
}
