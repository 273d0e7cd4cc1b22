import { stringifyEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { Alert, Container, Header } from '@backstage/ui';
import { EnvironmentRequest } from '@internal/backstage-plugin-environments-common';
import { useCallback } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { environmentRouteRef, rootRouteRef } from '../../routes';
import { entityName } from '../format';
import {
  ComponentOption,
  EnvironmentRequestForm,
} from './EnvironmentRequestForm';

/**
 * `/environments/new`: the request form, with the environment types and the
 * catalog's components to choose from. `?component=<entity ref>` preselects
 * the component.
 */
export function RequestEnvironmentPage() {
  const environmentsApi = useApi(environmentsApiRef);
  const catalogApi = useApi(catalogApiRef);
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const environmentLink = useRouteRef(environmentRouteRef);
  const rootLink = useRouteRef(rootRouteRef);
  const evaluatePolicy = useCallback(
    (request: EnvironmentRequest) =>
      environmentsApi.evaluatePolicy({
        action: 'environment.request',
        request,
      }),
    [environmentsApi],
  );

  const choices = useAsync(async () => {
    const [types, catalog] = await Promise.all([
      environmentsApi.listTypes(),
      catalogApi.getEntities({
        filter: { kind: 'component' },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'spec.owner',
        ],
      }),
    ]);
    const components: ComponentOption[] = catalog.items
      .map(entity => ({
        ref: stringifyEntityRef(entity),
        title: entity.metadata.title ?? entity.metadata.name,
        owner:
          typeof entity.spec?.owner === 'string'
            ? entityName(entity.spec.owner)
            : undefined,
      }))
      .sort((a, b) => a.title.localeCompare(b.title));
    return { types: types.items, components };
  }, [environmentsApi, catalogApi]);

  return (
    <>
      <Header title="Request an environment" />
      <Container>
        {choices.loading && <Progress />}
        {choices.error && (
          <Alert
            status="danger"
            title="Could not load the environment types or components"
            description={choices.error.message}
          />
        )}
        {choices.value && (
          <EnvironmentRequestForm
            types={choices.value.types}
            components={choices.value.components}
            initialComponentRef={searchParams.get('component') ?? undefined}
            onSubmit={request => environmentsApi.createEnvironment(request)}
            onEvaluatePolicy={evaluatePolicy}
            onCreated={environment => {
              navigate(environmentLink?.({ id: environment.id }) ?? '/', {
                state: { environment },
              });
            }}
            onCancel={() => navigate(rootLink?.() ?? '/')}
          />
        )}
      </Container>
    </>
  );
}
