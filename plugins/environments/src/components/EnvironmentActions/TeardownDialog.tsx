import { useApi } from '@backstage/frontend-plugin-api';
import {
  Alert,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Text,
} from '@backstage/ui';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { environmentsApiRef } from '../../api';
import { entityName } from '../format';
import { useDialogAction } from './useDialogAction';

/** Asks before tearing an environment down, then starts the teardown. */
export function TeardownDialog(props: {
  environment: Environment;
  isOpen: boolean;
  onOpenChange: (isOpen: boolean) => void;
}) {
  const { environment, isOpen, onOpenChange } = props;
  const api = useApi(environmentsApiRef);
  const {
    run: tearDown,
    pending,
    error,
  } = useDialogAction(
    () => api.deleteEnvironment(environment.id),
    () => onOpenChange(false),
  );

  return (
    <Dialog isOpen={isOpen} onOpenChange={onOpenChange}>
      <DialogHeader>
        Tear down {entityName(environment.componentRef)} · {environment.name}?
      </DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          <Text>
            Everything in namespace <strong>{environment.namespace}</strong> is
            removed: its workloads, its databases and their data. This cannot be
            undone. The audit trail is kept.
          </Text>
          {error && (
            <Alert
              status="danger"
              title="The environment was not torn down"
              description={error}
            />
          )}
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" slot="close">
          Cancel
        </Button>
        <Button destructive isPending={pending} onPress={tearDown}>
          Tear down
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
