import { ConfigReader } from '@backstage/config';
import { readProviderConfig } from './readProviderConfig';

describe('readProviderConfig', () => {
  it('syncs every 5 minutes on one replica unless told otherwise', () => {
    expect(
      readProviderConfig(
        new ConfigReader({ app: { baseUrl: 'https://portal.example.com' } }),
      ),
    ).toEqual({
      appBaseUrl: 'https://portal.example.com',
      schedule: {
        frequency: { minutes: 5 },
        timeout: { minutes: 3 },
        scope: 'global',
      },
    });
  });

  it('reads a configured schedule, still on one replica unless it says local', () => {
    const { schedule } = readProviderConfig(
      new ConfigReader({
        app: { baseUrl: 'https://portal.example.com' },
        catalog: {
          providers: {
            environments: {
              schedule: { frequency: { minutes: 10 }, timeout: 'PT2M' },
            },
          },
        },
      }),
    );

    expect(schedule).toMatchObject({
      frequency: { minutes: 10 },
      scope: 'global',
    });
    expect(schedule.timeout).toBeDefined();
  });

  it('needs the portal URL for the links to environment pages', () => {
    expect(() => readProviderConfig(new ConfigReader({}))).toThrow(
      "Missing required config value at 'app.baseUrl'",
    );
  });
});
