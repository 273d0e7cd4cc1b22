import { CellText, ColumnConfig, Table } from '@backstage/ui';
import { AuditEvent } from '@internal/backstage-plugin-environments-common';
import { entityName, formatDateTime } from '../format';

const columns: ColumnConfig<AuditEvent>[] = [
  {
    id: 'at',
    label: 'When',
    isRowHeader: true,
    cell: event => <CellText title={formatDateTime(event.at)} />,
  },
  {
    id: 'actor',
    label: 'Who',
    cell: event => (
      <CellText
        title={
          event.actor.includes(':') ? entityName(event.actor) : event.actor
        }
      />
    ),
  },
  {
    id: 'action',
    label: 'What',
    cell: event => <CellText title={event.action} />,
  },
  {
    id: 'outcome',
    label: 'Outcome',
    cell: event => (
      <CellText title={event.outcome} description={event.message} />
    ),
  },
];

/** Every change to the environment: who, what, when and how it ended. */
export function AuditTrail(props: { events: AuditEvent[] | undefined }) {
  return (
    <Table
      columnConfig={columns}
      data={props.events}
      isPending={!props.events}
      pagination={{ type: 'none' }}
      emptyState="No changes recorded yet."
    />
  );
}
