import { Flex } from '@backstage/ui';
import { WhatRunsWhere } from '@internal/backstage-plugin-environments-common';
import { EnvironmentStage, MissingStage } from './EnvironmentStage';
import { PromoteConnector } from './PromoteConnector';
import { promotionStages } from './promotionStages';
import { useNow } from './useNow';

const row = {
  display: 'flex',
  alignItems: 'stretch',
  listStyle: 'none',
  margin: 0,
  padding: 0,
  overflowX: 'auto',
} as const;

/**
 * The component's promotion path, drawn left to right, each environment with
 * what runs there; between neighbours the way to promote. Environments off
 * the path follow on a row of their own.
 */
export function PromotionPath(props: { whatRunsWhere: WhatRunsWhere }) {
  const { whatRunsWhere } = props;
  const now = useNow();
  const { stages, others } = promotionStages(whatRunsWhere);
  return (
    <Flex direction="column" gap="4">
      <ol aria-label="Promotion path" style={row}>
        {stages.map((stage, index) => (
          <li key={stage.name} style={{ display: 'flex' }}>
            {index > 0 && (
              <PromoteConnector
                target={stage.environment}
                promotable={stage.promotable}
              />
            )}
            {stage.environment ? (
              <EnvironmentStage environment={stage.environment} now={now} />
            ) : (
              <MissingStage
                name={stage.name}
                componentRef={whatRunsWhere.componentRef}
              />
            )}
          </li>
        ))}
      </ol>
      {others.length > 0 && (
        <ul
          aria-label="Other environments"
          style={{ ...row, gap: 'var(--bui-space-4)' }}
        >
          {others.map(environment => (
            <li key={environment.environmentId} style={{ display: 'flex' }}>
              <EnvironmentStage environment={environment} now={now} />
            </li>
          ))}
        </ul>
      )}
    </Flex>
  );
}
