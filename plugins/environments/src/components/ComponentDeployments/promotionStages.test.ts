import { FakeEnvironmentsApi } from '@internal/backstage-plugin-environments-common/testUtils';
import { promotionStages } from './promotionStages';

const componentRef = 'component:default/orders-service';

async function component(names: string[]) {
  const api = new FakeEnvironmentsApi();
  const ids: Record<string, string> = {};
  for (const name of names) {
    const created = await api.createEnvironment({
      componentRef,
      type: name === 'pr-1' ? 'preview' : 'development',
      name,
      image: 'registry.local/orders-service:1.0.0',
    });
    ids[name] = created.id;
  }
  return { api, ids };
}

describe('promotionStages', () => {
  it('gives one stage per name on the path, in its order, and the environments off it apart', async () => {
    const { api, ids } = await component(['pr-1', 'production', 'development']);

    const { stages, others } = promotionStages(
      await api.getWhatRunsWhere(componentRef),
    );

    expect(stages.map(s => [s.name, s.environment?.environmentId])).toEqual([
      ['development', ids.development],
      ['staging', undefined],
      ['production', ids.production],
    ]);
    expect(others.map(e => e.environmentName)).toEqual(['pr-1']);
  });

  it('offers a promotion only into the stage right after the one that has a succeeded version it lacks', async () => {
    const { api, ids } = await component([
      'development',
      'staging',
      'production',
    ]);
    await api.deploy(ids.development, {
      image: 'registry.local/orders-service:1.1.0',
    });

    const { stages } = promotionStages(
      await api.getWhatRunsWhere(componentRef),
    );

    expect(stages.map(s => [s.name, s.promotable?.version])).toEqual([
      ['development', undefined],
      ['staging', '1.1.0'],
      ['production', undefined],
    ]);
  });

  it('offers nothing once the next stage runs the same image', async () => {
    const { api, ids } = await component(['development', 'staging']);
    await api.deploy(ids.development, {
      image: 'registry.local/orders-service:1.1.0',
    });
    await api.promote(ids.staging, {});

    const { stages } = promotionStages(
      await api.getWhatRunsWhere(componentRef),
    );

    expect(stages.every(s => s.promotable === undefined)).toBe(true);
    expect(stages[1].environment?.current?.version).toBe('1.1.0');
  });

  it('offers no promotion across a gap: staging missing, production is not fed by development', async () => {
    const { api, ids } = await component(['development', 'production']);
    await api.deploy(ids.development, {
      image: 'registry.local/orders-service:1.1.0',
    });
    const whatRunsWhere = await api.getWhatRunsWhere(componentRef);
    // As if the API named development as production's upstream.
    whatRunsWhere.environments[1] = {
      ...whatRunsWhere.environments[1],
      upstream: 'development',
      promotable: whatRunsWhere.environments[0].current,
    };

    const { stages } = promotionStages(whatRunsWhere);

    expect(stages.map(s => s.promotable)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
