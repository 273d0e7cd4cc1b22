import { useApi } from '@backstage/frontend-plugin-api';
import { AuditEvent } from '@internal/backstage-plugin-environments-common';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { useState } from 'react';
import { environmentsApiRef } from '../../api';

/**
 * The audit trail, fetched again a moment after each change of the
 * environment: the backend records some events (provisioning succeeded)
 * just after the status change it pushes.
 */
export function useAuditTrail(environmentId: string, version?: string) {
  const api = useApi(environmentsApiRef);
  const [settledVersion, setSettledVersion] = useState(version);
  useDebounce(() => setSettledVersion(version), 1000, [version]);
  const { value, error } = useAsync(
    async (): Promise<AuditEvent[]> =>
      (await api.getAuditTrail(environmentId)).items,
    [api, environmentId, settledVersion],
  );
  return { events: value, error };
}
