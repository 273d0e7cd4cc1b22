import { types } from '../../__testUtils__/fixtures';
import {
  draftFrom,
  toDeployRequest,
  validateDeployDraft,
  resolveDraft,
} from './deployDraft';
import { configuration } from './testData';

const development = types.find(type => type.name === 'development')!;

describe('deployDraft', () => {
  it('starts from the override layer, with the image that runs', () => {
    expect(draftFrom(configuration)).toEqual({
      repository: 'ghcr.io/acme/orders',
      tag: '1.4.2',
      replicas: '',
      cpu: '',
      memory: '',
      env: [{ key: 0, name: 'LOG_LEVEL', value: 'debug' }],
      message: '',
    });
  });

  it('sends nothing but the source when nothing changed', () => {
    expect(toDeployRequest(draftFrom(configuration), configuration)).toEqual({
      source: 'ui',
    });
  });

  it('sends a new tag as a tag, and another repository as a whole image', () => {
    const draft = draftFrom(configuration);
    expect(toDeployRequest({ ...draft, tag: '1.5.0' }, configuration)).toEqual({
      source: 'ui',
      tag: '1.5.0',
    });
    expect(
      toDeployRequest(
        { ...draft, repository: 'registry.invalid/acme/orders' },
        configuration,
      ),
    ).toEqual({ source: 'ui', image: 'registry.invalid/acme/orders:1.4.2' });
  });

  it('sends null for each override the draft removes', () => {
    const withReplicas = {
      ...configuration,
      layers: {
        ...configuration.layers,
        override: { ...configuration.layers.override, replicas: 3 },
      },
    };
    const draft = { ...draftFrom(withReplicas), replicas: '', env: [] };
    expect(toDeployRequest(draft, withReplicas)).toEqual({
      source: 'ui',
      replicas: null,
      env: { LOG_LEVEL: null },
    });
  });

  it("finds replicas beyond the type's bound as the API does", () => {
    const draft = { ...draftFrom(configuration), replicas: '4' };
    expect(validateDeployDraft(draft, configuration, development)).toEqual([
      {
        field: 'replicas',
        rule: 'must be at most 3, the replicas bound of type development (got 4)',
      },
    ]);
  });

  it('finds a bad tag, a bad variable name and text for replicas', () => {
    const draft = {
      ...draftFrom(configuration),
      tag: '-bad',
      replicas: 'two',
      env: [{ key: 0, name: '1X', value: 'a' }],
    };
    const fields = validateDeployDraft(draft, configuration, development).map(
      issue => issue.field,
    );
    expect(fields).toEqual(expect.arrayContaining(['tag', 'replicas']));
    expect(fields.some(field => field.startsWith('env.'))).toBe(true);
  });

  it('resolves the draft with the layer of each value', () => {
    const draft = { ...draftFrom(configuration), replicas: '3', env: [] };
    const resolved = resolveDraft(draft, configuration);
    expect(resolved.config.replicas).toBe(3);
    expect(resolved.origins.replicas).toBe('override');
    // The override removed, the baseline's value applies again.
    expect(resolved.config.env.LOG_LEVEL).toBe('info');
    expect(resolved.origins['env.LOG_LEVEL']).toBe('baseline');
  });
});
