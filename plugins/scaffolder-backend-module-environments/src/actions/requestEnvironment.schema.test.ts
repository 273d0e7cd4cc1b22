import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { environmentResourceSchema } from '@internal/backstage-plugin-environments-common';
import { FakeEnvironmentsApi } from '@internal/backstage-plugin-environments-common/testUtils';
import { createRequestEnvironmentAction } from './requestEnvironment';

describe('the input schema of environments:request', () => {
  const action = createRequestEnvironmentAction({
    environments: new FakeEnvironmentsApi(),
    auth: mockServices.auth(),
    catalog: catalogServiceMock(),
    appBaseUrl: 'http://portal.test/',
  });
  const resource = (action.schema?.input?.properties?.resources as any)?.items;

  it('offers every resource type of the shared request schema', () => {
    expect(resource.properties.type.enum).toEqual(['postgresql', 'redis']);
  });

  it('documents the fields of each shared resource schema, and no others', () => {
    for (const option of environmentResourceSchema.options) {
      expect(Object.keys(resource.properties).sort()).toEqual(
        Object.keys(option.shape).sort(),
      );
    }
    expect(resource.required).toEqual(['type', 'name']);
  });
});
