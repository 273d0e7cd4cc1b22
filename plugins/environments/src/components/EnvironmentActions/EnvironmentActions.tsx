import { Button, Flex } from '@backstage/ui';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { RiDeleteBinLine, RiTimerLine } from '@remixicon/react';
import { useState } from 'react';
import { ExtendDialog } from './ExtendDialog';
import { TeardownDialog } from './TeardownDialog';

/** Extend (ephemeral environments) and tear down, each behind a dialog. */
export function EnvironmentActions(props: {
  environment: Environment;
  size?: 'small' | 'medium';
}) {
  const { environment, size = 'medium' } = props;
  const [dialog, setDialog] = useState<'extend' | 'teardown'>();
  const gone =
    environment.status === 'deleting' || environment.status === 'deleted';
  if (gone) {
    return null;
  }
  const label = `${environment.name}`;
  return (
    <Flex gap="2">
      {environment.expiresAt && (
        <Button
          size={size}
          variant="secondary"
          iconStart={<RiTimerLine />}
          aria-label={`Extend ${label}`}
          onPress={() => setDialog('extend')}
        >
          Extend
        </Button>
      )}
      <Button
        size={size}
        variant="secondary"
        destructive
        iconStart={<RiDeleteBinLine />}
        aria-label={`Tear down ${label}`}
        onPress={() => setDialog('teardown')}
      >
        Tear down
      </Button>
      {environment.expiresAt && (
        <ExtendDialog
          environment={environment}
          isOpen={dialog === 'extend'}
          onOpenChange={open => setDialog(open ? 'extend' : undefined)}
        />
      )}
      <TeardownDialog
        environment={environment}
        isOpen={dialog === 'teardown'}
        onOpenChange={open => setDialog(open ? 'teardown' : undefined)}
      />
    </Flex>
  );
}
