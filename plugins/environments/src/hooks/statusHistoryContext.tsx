import { Environment } from '@internal/backstage-plugin-environments-common';
import {
  createContext,
  ReactNode,
  useCallback,
  useContext,
  useMemo,
  useState,
} from 'react';
import { StatusHistory, StatusTimes } from './StatusHistory';
import { useEnvironmentSignal } from './useEnvironmentSignal';

type StatusHistoryContextValue = {
  timesOf(id: string): StatusTimes;
  record(environment: Environment): void;
};

const StatusHistoryContext = createContext<
  StatusHistoryContextValue | undefined
>(undefined);

/**
 * Watches the `environments` signal for as long as the environments pages
 * are open, not only while one environment's page is: the first changes of a
 * new environment are pushed while the request form is still waiting for the
 * answer to its request.
 */
export function StatusHistoryProvider(props: { children: ReactNode }) {
  const [history] = useState(() => new StatusHistory());
  const [version, setVersion] = useState(0);
  const record = useCallback(
    (environment: Environment) => {
      if (history.record(environment)) {
        setVersion(current => current + 1);
      }
    },
    [history],
  );
  useEnvironmentSignal(record);
  // A new value whenever a time is added, so that readers render again.
  const value = useMemo(
    () => ({
      version,
      timesOf: (id: string) => history.timesOf(id),
      record,
    }),
    [history, record, version],
  );
  return (
    <StatusHistoryContext.Provider value={value}>
      {props.children}
    </StatusHistoryContext.Provider>
  );
}

/** When each status of the environment was reached, as far as this page saw. */
export function useStatusHistory(): StatusHistoryContextValue {
  return (
    useContext(StatusHistoryContext) ?? {
      timesOf: () => ({}),
      record: () => {},
    }
  );
}
