import { FakeEnvironmentsApi } from './FakeEnvironmentsApi';

function apiWithEnvironments() {
  const api = new FakeEnvironmentsApi();
  const development = api.add({
    name: 'development',
    type: 'development',
    status: 'ready',
    spec: {
      componentRef: 'component:default/orders-service',
      type: 'development',
      name: 'development',
      resources: [],
      image: 'ghcr.io/acme/orders:1.0.0',
    },
  });
  const staging = api.add({
    name: 'staging',
    type: 'staging',
    status: 'ready',
  });
  return { api, development, staging };
}

describe('FakeEnvironmentsApi deployments', () => {
  it('deploys a new tag of the image that runs, and keeps the history newest first', async () => {
    const { api, development } = apiWithEnvironments();

    const first = await api.deploy(development.id, { tag: '1.1.0' });
    const second = await api.deploy(development.id, { replicas: 3 });

    expect(second.config).toMatchObject({
      image: 'ghcr.io/acme/orders:1.1.0',
      replicas: 3,
    });
    expect(
      (await api.listDeployments(development.id)).items.map(d => d.id),
    ).toEqual([second.id, first.id]);
    expect((await api.getDeployment(first.id)).state).toBe('superseded');
  });

  it('pins after a rollback and refuses CI until someone deploys by hand', async () => {
    const { api, development } = apiWithEnvironments();
    const good = await api.deploy(development.id, { tag: '1.1.0' });
    await api.deploy(development.id, { tag: '1.2.0' });
    await api.rollback(development.id, {
      deploymentId: good.id,
      reason: 'errors',
    });

    await expect(
      api.ciDeploy({
        componentRef: 'component:default/orders-service',
        environment: 'development',
        image: 'ghcr.io/acme/orders:1.3.0',
        commit: { sha: 'abc1234' },
      }),
    ).rejects.toMatchObject({ statusCode: 409 });
    await api.deploy(development.id, { tag: '1.3.0' });
    expect(api.pins.size).toBe(0);
  });

  it('promotes the upstream image, and holds deployments of gated types for approval', async () => {
    const { api, development, staging } = apiWithEnvironments();
    api.typesRequiringApproval.add('staging');
    await api.deploy(development.id, { tag: '1.1.0' });

    const promotion = await api.promote(staging.id, {});
    expect(promotion).toMatchObject({
      kind: 'promotion',
      state: 'pending-approval',
      config: { image: 'ghcr.io/acme/orders:1.1.0' },
    });
    expect((await api.listPendingApprovals()).items).toHaveLength(1);

    const approved = await api.approveDeployment(promotion.id, {
      comment: 'ok',
    });
    expect(approved.state).toBe('succeeded');
  });

  it('lists secrets by key only', async () => {
    const { api, development } = apiWithEnvironments();

    await api.setSecret(development.id, 'db-password', 's3cret');

    const list = await api.listSecrets(development.id);
    expect(list.items.map(s => s.key)).toEqual(['db-password']);
    expect(JSON.stringify(list)).not.toContain('s3cret');
  });
});
