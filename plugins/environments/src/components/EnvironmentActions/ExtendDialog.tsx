import { useApi } from '@backstage/frontend-plugin-api';
import {
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Text,
  TextField,
} from '@backstage/ui';
import {
  Environment,
  parseDuration,
} from '@internal/backstage-plugin-environments-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { formatDateTime } from '../format';
import { useDialogAction } from './useDialogAction';

function durationProblem(ttl: string): string | undefined {
  try {
    parseDuration(ttl);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Invalid duration: /, 'Must be ');
  }
}

/** Sets a new expiry for an ephemeral environment: a time to live from now. */
export function ExtendDialog(props: {
  environment: Environment;
  isOpen: boolean;
  onOpenChange: (isOpen: boolean) => void;
}) {
  const { environment, isOpen, onOpenChange } = props;
  const api = useApi(environmentsApiRef);
  const type = useAsync(async () => {
    if (!isOpen) return undefined;
    const { items } = await api.listTypes();
    return items.find(t => t.name === environment.type);
  }, [api, isOpen, environment.type]);
  const [ttl, setTtl] = useState('');
  const [touched, setTouched] = useState(false);

  const value = ttl || type.value?.ttl?.default || '';
  const problem = touched ? durationProblem(value) : undefined;
  const latest = type.value?.ttl
    ? new Date(
        Date.parse(environment.createdAt) + parseDuration(type.value.ttl.max),
      ).toISOString()
    : undefined;

  const { run, pending, error, clearError } = useDialogAction(
    () => api.extendEnvironment(environment.id, { ttl: value }),
    () => onOpenChange(false),
  );
  const extend = async () => {
    setTouched(true);
    if (durationProblem(value)) return;
    await run();
  };

  return (
    <Dialog isOpen={isOpen} onOpenChange={onOpenChange}>
      <DialogHeader>Extend {environment.name}</DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          <Text>
            It expires {formatDateTime(environment.expiresAt)}.
            {latest &&
              ` It can live until ${formatDateTime(latest)} at the latest (${
                type.value?.ttl?.max
              } after it was requested).`}
          </Text>
          <TextField
            label="New time to live, from now"
            description="Minutes, hours or days, such as 30m, 8h or 2d."
            value={value}
            onChange={v => {
              setTtl(v);
              setTouched(true);
              clearError();
            }}
            validationBehavior="aria"
            validate={() => problem ?? error ?? null}
          />
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" slot="close">
          Cancel
        </Button>
        <Button variant="primary" isPending={pending} onPress={extend}>
          Extend
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
