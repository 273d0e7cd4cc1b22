import { anEnvironment } from '../__testUtils__';
import { StatusHistory } from './StatusHistory';

describe('StatusHistory', () => {
  it('knows when each status was reached once it saw the change', () => {
    const history = new StatusHistory();
    history.record(
      anEnvironment({
        status: 'requested',
        updatedAt: '2026-11-21T09:00:00.000Z',
      }),
    );
    history.record(
      anEnvironment({
        status: 'provisioning',
        updatedAt: '2026-11-21T09:00:01.000Z',
      }),
    );
    history.record(
      anEnvironment({
        status: 'provisioning',
        updatedAt: '2026-11-21T09:00:03.000Z',
      }),
    );
    history.record(
      anEnvironment({ status: 'ready', updatedAt: '2026-11-21T09:00:04.000Z' }),
    );

    expect(history.timesOf('env-1')).toEqual({
      requested: '2026-11-21T09:00:00.000Z',
      provisioning: '2026-11-21T09:00:01.000Z',
      ready: '2026-11-21T09:00:04.000Z',
    });
  });

  it('does not date a status it found already reached', () => {
    const history = new StatusHistory();
    history.record(
      anEnvironment({ status: 'ready', updatedAt: '2026-11-21T09:05:00.000Z' }),
    );

    expect(history.timesOf('env-1')).toEqual({
      requested: '2026-11-21T09:00:00.000Z',
    });
  });

  it('ignores a version older than one it has seen', () => {
    const history = new StatusHistory();
    history.record(
      anEnvironment({
        status: 'provisioning',
        updatedAt: '2026-11-21T09:00:02.000Z',
      }),
    );
    history.record(
      anEnvironment({
        status: 'requested',
        updatedAt: '2026-11-21T09:00:00.000Z',
      }),
    );
    history.record(
      anEnvironment({ status: 'ready', updatedAt: '2026-11-21T09:00:04.000Z' }),
    );

    expect(history.timesOf('env-1')).toEqual({
      requested: '2026-11-21T09:00:00.000Z',
      ready: '2026-11-21T09:00:04.000Z',
    });
  });
});
