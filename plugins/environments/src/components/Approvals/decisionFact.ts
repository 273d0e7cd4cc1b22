import { Deployment } from '@internal/backstage-plugin-environments-common';
import { Fact } from '../FactList';
import { entityName, formatDateTime } from '../format';

type Decision = NonNullable<NonNullable<Deployment['approval']>['decision']>;

/** Who decided an approval, when and why, as one line of a card's facts. */
export function decisionFact(decision: Decision): Fact {
  return [
    decision.outcome === 'approved' ? 'Approved by' : 'Rejected by',
    `${entityName(decision.by)}, ${formatDateTime(decision.at)}: ${
      decision.comment
    }`,
  ];
}
