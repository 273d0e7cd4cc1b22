import { ResponseError } from '@backstage/errors';
import { FakeEnvironmentsApi } from './FakeEnvironmentsApi';

describe('FakeEnvironmentsApi', () => {
  it('records each status an environment enters, oldest first', async () => {
    const api = new FakeEnvironmentsApi();
    const { id } = await api.createEnvironment({
      componentRef: 'component:default/orders-service',
      type: 'development',
    });
    for (let read = 0; read < 4; read++) {
      await api.getEnvironment(id);
    }
    await api.deleteEnvironment(id);

    expect(
      (await api.getStatusHistory(id)).items.map(({ status }) => status),
    ).toEqual(['requested', 'provisioning', 'ready', 'deleting']);
  });

  it('answers as the client does for an unknown id', async () => {
    const api = new FakeEnvironmentsApi();
    const failure = await api.getStatusHistory('env-404').catch(e => e);
    expect(failure).toBeInstanceOf(ResponseError);
    expect(failure).toMatchObject({ statusCode: 404 });
    expect(failure.body.error.message).toBe("Environment 'env-404' not found");
  });

  it('names environments as told', async () => {
    const api = new FakeEnvironmentsApi({ newId: n => `env-000${n}` });
    expect(api.add({ name: 'development', type: 'development' }).id).toBe(
      'env-0001',
    );
  });
});
