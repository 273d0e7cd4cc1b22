import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { Text } from '@backstage/ui';
import { Fragment, ReactNode } from 'react';

/** A term and what it is, one row of a `FactList`. */
export type Fact = [term: string, description: ReactNode];

/** Terms and their descriptions in two aligned columns, as a `<dl>`. */
export function FactList(props: { facts: Fact[] }) {
  return (
    <dl
      style={{
        display: 'grid',
        gridTemplateColumns: 'max-content 1fr',
        gap: '4px 16px',
        margin: 0,
      }}
    >
      {props.facts.map(([term, description]) => (
        <Fragment key={term}>
          <dt>
            <Text variant="body-small" color="secondary">
              {term}
            </Text>
          </dt>
          <dd style={{ margin: 0 }}>
            <Text variant="body-small">{description}</Text>
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}

/**
 * The address of an environment's Kubernetes view: the Kubernetes tab of the
 * catalog Resource the catalog module makes of it, named after its namespace.
 */
export function useKubernetesViewLink(): (namespace: string) => string {
  const entityLink = useEntityRefLink();
  return namespace =>
    `${entityLink({
      kind: 'resource',
      namespace: 'default',
      name: namespace,
    })}/kubernetes`;
}
