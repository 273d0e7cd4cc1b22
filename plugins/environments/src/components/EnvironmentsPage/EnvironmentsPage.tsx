import { useRouteRef } from '@backstage/frontend-plugin-api';
import {
  Alert,
  ButtonLink,
  Cell,
  CellText,
  ColumnConfig,
  Container,
  Flex,
  Header,
  Select,
  Table,
  Text,
} from '@backstage/ui';
import {
  Environment,
  ENVIRONMENT_STATUSES,
  EnvironmentStatus,
} from '@internal/backstage-plugin-environments-common';
import { RiAddLine } from '@remixicon/react';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useLiveEnvironments } from '../../hooks/useLiveEnvironments';
import { environmentRouteRef, requestEnvironmentRouteRef } from '../../routes';
import { entityName, formatDateTime } from '../format';
import { StatusBadge, statusLabel } from '../StatusBadge';
import {
  distinctValues,
  EnvironmentFilter,
  filterEnvironments,
} from './filterEnvironments';

const ALL = 'all';

const columns: ColumnConfig<Environment>[] = [
  {
    id: 'name',
    label: 'Environment',
    isRowHeader: true,
    cell: environment => (
      <CellText title={environment.name} description={environment.namespace} />
    ),
  },
  {
    id: 'component',
    label: 'Component',
    cell: environment => (
      <CellText title={entityName(environment.componentRef)} />
    ),
  },
  {
    id: 'owner',
    label: 'Owner',
    cell: environment => <CellText title={entityName(environment.ownerRef)} />,
  },
  {
    id: 'type',
    label: 'Type',
    cell: environment => <CellText title={environment.type} />,
  },
  {
    id: 'status',
    label: 'Status',
    cell: environment => (
      <Cell>
        <StatusBadge status={environment.status} />
      </Cell>
    ),
  },
  {
    id: 'created',
    label: 'Requested',
    cell: environment => (
      <CellText
        title={formatDateTime(environment.createdAt)}
        description={entityName(environment.createdBy)}
      />
    ),
  },
  {
    id: 'expires',
    label: 'Expires',
    cell: environment => (
      <CellText title={formatDateTime(environment.expiresAt) || 'Never'} />
    ),
  },
];

function FilterSelect(props: {
  label: string;
  value: string | undefined;
  values: string[];
  describe?: (value: string) => string;
  onChange: (value: string | undefined) => void;
}) {
  const { label, value, values, describe = v => v, onChange } = props;
  return (
    <Select
      label={label}
      value={value ?? ALL}
      onChange={key => onChange(key === ALL || !key ? undefined : String(key))}
      options={[
        { id: ALL, label: 'All' },
        ...values.map(v => ({ id: v, label: describe(v) })),
      ]}
    />
  );
}

/**
 * Every environment the user may see, with its status kept current by the
 * `environments` signal. The filters live in the URL, so a filtered list can
 * be shared.
 */
export function EnvironmentsPage() {
  const environmentLink = useRouteRef(environmentRouteRef);
  const requestLink = useRouteRef(requestEnvironmentRouteRef);
  const { environments, error, loading, isLive } = useLiveEnvironments();
  const [searchParams, setSearchParams] = useSearchParams();

  const filter: EnvironmentFilter = {
    owner: searchParams.get('owner') ?? undefined,
    component: searchParams.get('component') ?? undefined,
    type: searchParams.get('type') ?? undefined,
    status: (searchParams.get('status') as EnvironmentStatus) ?? undefined,
  };
  const setFilter = (field: keyof EnvironmentFilter, value?: string) => {
    const next = new URLSearchParams(searchParams);
    if (value) {
      next.set(field, value);
    } else {
      next.delete(field);
    }
    setSearchParams(next, { replace: true });
  };

  const all = useMemo(() => environments ?? [], [environments]);
  const shown = filterEnvironments(all, filter);

  return (
    <>
      <Header
        title="All environments"
        customActions={
          requestLink && (
            <ButtonLink
              href={requestLink()}
              variant="primary"
              iconStart={<RiAddLine />}
            >
              Request an environment
            </ButtonLink>
          )
        }
      />
      <Container>
        <Flex direction="column" gap="4">
          <Flex gap="3" align="end" style={{ flexWrap: 'wrap' }}>
            <FilterSelect
              label="Owner"
              value={filter.owner}
              values={distinctValues(all, e => e.ownerRef)}
              describe={entityName}
              onChange={v => setFilter('owner', v)}
            />
            <FilterSelect
              label="Component"
              value={filter.component}
              values={distinctValues(all, e => e.componentRef)}
              describe={entityName}
              onChange={v => setFilter('component', v)}
            />
            <FilterSelect
              label="Type"
              value={filter.type}
              values={distinctValues(all, e => e.type)}
              onChange={v => setFilter('type', v)}
            />
            <FilterSelect
              label="Status"
              value={filter.status}
              values={ENVIRONMENT_STATUSES.filter(s => s !== 'deleted')}
              describe={s => statusLabel(s as EnvironmentStatus)}
              onChange={v => setFilter('status', v)}
            />
          </Flex>
          <Text variant="body-small" color="secondary">
            {isLive
              ? 'Statuses update as they change.'
              : 'Live updates are not available; reload the page to see changes.'}
          </Text>
          {error && (
            <Alert
              status="danger"
              title="Could not load the environments"
              description={error.message}
            />
          )}
          <Table
            columnConfig={columns}
            data={loading ? undefined : shown}
            isPending={loading}
            pagination={{ type: 'none' }}
            rowConfig={{
              getHref: environment => environmentLink?.({ id: environment.id }),
            }}
            emptyState={
              <Text>
                {all.length === 0
                  ? 'No environments yet.'
                  : 'No environment matches these filters.'}
              </Text>
            }
          />
        </Flex>
      </Container>
    </>
  );
}
