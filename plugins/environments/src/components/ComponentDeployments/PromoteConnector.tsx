import { Button, Flex, Text } from '@backstage/ui';
import {
  Deployment,
  EnvironmentDeployments,
} from '@internal/backstage-plugin-environments-common';
import { RiArrowRightLine } from '@remixicon/react';
import { useState } from 'react';
import { PromoteDialog } from './PromoteDialog';

/**
 * The arrow between two neighbours of the path, with "Promote" on it when
 * the left one has a succeeded version that the right one does not run.
 */
export function PromoteConnector(props: {
  target?: EnvironmentDeployments;
  promotable?: Deployment;
}) {
  const { target, promotable } = props;
  const [isOpen, setOpen] = useState(false);
  return (
    <Flex
      direction="column"
      align="center"
      justify="center"
      gap="1"
      style={{ minWidth: 120, alignSelf: 'center' }}
    >
      <Text as="span" color="secondary" aria-hidden>
        <RiArrowRightLine size={28} />
      </Text>
      {target && promotable && (
        <>
          <Button
            size="small"
            variant="primary"
            aria-label={`Promote ${promotable.version} from ${promotable.environmentName} to ${target.environmentName}`}
            onPress={() => setOpen(true)}
          >
            Promote {promotable.version}
          </Button>
          <PromoteDialog
            source={promotable}
            target={target}
            isOpen={isOpen}
            onOpenChange={setOpen}
          />
        </>
      )}
    </Flex>
  );
}
