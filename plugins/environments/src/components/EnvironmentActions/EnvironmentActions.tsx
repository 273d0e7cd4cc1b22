import { Button, Flex } from '@backstage/ui';
import { Environment } from '@internal/backstage-plugin-environments-common';
import { RiDeleteBinLine, RiTimerLine } from '@remixicon/react';
import { useEffect, useRef, useState } from 'react';
import { DeployAction } from '../DeployForm/DeployAction';
import { ExtendDialog } from './ExtendDialog';
import { TeardownDialog } from './TeardownDialog';

/**
 * Deploy (a link to the deploy form), extend (ephemeral environments) and
 * tear down, each behind a dialog.
 *
 * The buttons go away once the environment is being torn down. Where the
 * focus was on them (or in the dialog), it would fall back to the page's
 * start; `onGone` then says where keyboard users continue instead.
 */
export function EnvironmentActions(props: {
  environment: Environment;
  size?: 'small' | 'medium';
  onGone?: () => void;
}) {
  const { environment, size = 'medium', onGone } = props;
  const [dialog, setDialog] = useState<'extend' | 'teardown'>();
  const gone =
    environment.status === 'deleting' || environment.status === 'deleted';
  const wasGone = useRef(gone);
  const latestOnGone = useRef(onGone);
  latestOnGone.current = onGone;
  useEffect(() => {
    // Only when the buttons just went away, not on every later render.
    if (gone && !wasGone.current) {
      const lost =
        !document.activeElement || document.activeElement === document.body;
      if (lost) latestOnGone.current?.();
    }
    wasGone.current = gone;
  }, [gone]);
  if (gone) {
    return null;
  }
  const label = `${environment.name}`;
  return (
    <Flex gap="2">
      <DeployAction environment={environment} size={size} />
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
