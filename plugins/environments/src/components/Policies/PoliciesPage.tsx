import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import {
  Alert,
  Button,
  Cell,
  CellText,
  ColumnConfig,
  Container,
  Flex,
  Header,
  Link,
  Table,
  Text,
} from '@backstage/ui';
import {
  PolicyDecisionRecord,
  PolicyMessage,
  PolicyRule,
} from '@internal/backstage-plugin-environments-common';
import { ReactNode, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { environmentRouteRef } from '../../routes';
import { entityName, formatDateTime } from '../format';

/** Decisions shown at first, and added by each "Show more". */
export const DECISIONS_PAGE = 50;
/** The most the API lists at once. */
const MOST_DECISIONS = 500;

const ruleColumns: ColumnConfig<PolicyRule & { id: string }>[] = [
  {
    id: 'title',
    label: 'Rule',
    isRowHeader: true,
    // Whole, never cut: the id is what messages and decisions name.
    cell: rule => (
      <Cell>
        <Text as="p">{rule.title}</Text>
        <Text as="p" variant="body-small" color="secondary">
          <code>{rule.rule}</code>
        </Text>
      </Cell>
    ),
  },
  {
    id: 'severity',
    label: 'Severity',
    cell: rule => (
      <CellText
        title={rule.severity === 'deny' ? 'Denies' : 'Warns'}
        color="primary"
      />
    ),
  },
  {
    id: 'description',
    label: 'What it asks',
    cell: rule => (
      <Cell>
        <Text as="p" variant="body-small">
          {rule.description ?? ''}
        </Text>
      </Cell>
    ),
  },
];

function RuleIds(props: { messages: PolicyMessage[]; label: string }) {
  if (props.messages.length === 0) return null;
  return (
    <Text as="p" variant="body-small">
      {props.label}:{' '}
      {props.messages.map(({ rule, message }, index) => (
        <span key={`${rule}:${message}`} title={message}>
          {index > 0 && ', '}
          <code>{rule}</code>
        </span>
      ))}
    </Text>
  );
}

function decisionColumns(
  environmentHref: (id: string) => string | undefined,
): ColumnConfig<PolicyDecisionRecord>[] {
  return [
    {
      id: 'at',
      label: 'When',
      isRowHeader: true,
      cell: decision => <CellText title={formatDateTime(decision.at)} />,
    },
    {
      id: 'actor',
      label: 'Who',
      cell: decision => (
        <CellText
          title={
            decision.actor.includes(':')
              ? entityName(decision.actor)
              : decision.actor
          }
        />
      ),
    },
    {
      id: 'action',
      label: 'Action',
      cell: decision => <CellText title={decision.action} />,
    },
    {
      id: 'target',
      label: 'Target',
      cell: decision => {
        const name = `${entityName(decision.componentRef)} · ${
          decision.environmentName
        }`;
        const href =
          decision.environmentId && environmentHref(decision.environmentId);
        return (
          <Cell>
            {href ? <Link href={href}>{name}</Link> : <Text>{name}</Text>}
          </Cell>
        );
      },
    },
    {
      id: 'outcome',
      label: 'Outcome',
      cell: decision => (
        <Cell>
          <Text as="p" weight="bold" color={outcomeColor(decision.outcome)}>
            {decision.outcome}
          </Text>
          <RuleIds label="Denied by" messages={decision.deny} />
          <RuleIds label="Warned by" messages={decision.warn} />
        </Cell>
      ),
    },
  ];
}

function outcomeColor(outcome: PolicyDecisionRecord['outcome']) {
  if (outcome === 'deny' || outcome === 'error') return 'danger' as const;
  if (outcome === 'warn') return 'warning' as const;
  if (outcome === 'allow') return 'success' as const;
  return 'secondary' as const;
}

function Section(props: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Flex direction="column" gap="3">
      <Text as="h2" variant="title-small">
        {props.title}
      </Text>
      {props.description && (
        <Text as="p" variant="body-small" color="secondary">
          {props.description}
        </Text>
      )}
      {props.children}
    </Flex>
  );
}

const MODES = {
  embedded: 'evaluated in the backend (embedded)',
  server: 'evaluated by an OPA server',
  off: 'turned off: nothing is decided by policy',
};

/**
 * `/policies`: the platform's active policy rules (title, id, severity and
 * what each asks, with the bundle's revision), and the newest decisions the
 * user may see (every one for the platform's admins, otherwise their own),
 * the newest {@link DECISIONS_PAGE} first, more on request.
 */
export function PoliciesPage() {
  const api = useApi(environmentsApiRef);
  const environmentLink = useRouteRef(environmentRouteRef);
  const [limit, setLimit] = useState(DECISIONS_PAGE);
  const rules = useAsync(() => api.listPolicyRules(), [api]);
  const decisions = useAsync(
    () => api.listPolicyDecisions({ limit }),
    [api, limit],
  );
  const shownDecisions = decisions.value?.items;
  // Rows are keyed by `id`; a rule's id is its `rule`.
  const ruleRows = rules.value?.items.map(rule => ({ ...rule, id: rule.rule }));

  return (
    <>
      <Header title="Policies" />
      <Container>
        <Flex direction="column" gap="6">
          <Section
            title="Active rules"
            description={
              rules.value &&
              `Policies are ${MODES[rules.value.mode]}${
                rules.value.revision
                  ? `; bundle revision ${rules.value.revision}`
                  : ''
              }. A rule that denies refuses the change; one that warns lets it through with its message.`
            }
          >
            {rules.error ? (
              <Alert
                status="danger"
                title="Could not load the policy rules"
                description={rules.error.message}
              />
            ) : (
              <Table
                columnConfig={ruleColumns}
                data={ruleRows}
                isPending={rules.loading}
                pagination={{ type: 'none' }}
                emptyState="No rules are active."
              />
            )}
          </Section>
          <Section
            title="Recent decisions"
            description="Newest first: every decision for the platform's admins, otherwise those on your own changes."
          >
            {decisions.error ? (
              <Alert
                status="danger"
                title="Could not load the policy decisions"
                description={decisions.error.message}
              />
            ) : (
              <Table
                columnConfig={decisionColumns(id => environmentLink?.({ id }))}
                data={shownDecisions}
                isPending={decisions.loading && !shownDecisions}
                pagination={{ type: 'none' }}
                emptyState="No decisions yet."
              />
            )}
            {shownDecisions &&
              shownDecisions.length >= limit &&
              limit < MOST_DECISIONS && (
                <div>
                  <Button
                    variant="secondary"
                    isPending={decisions.loading}
                    onPress={() =>
                      setLimit(n =>
                        Math.min(n + DECISIONS_PAGE, MOST_DECISIONS),
                      )
                    }
                  >
                    Show more
                  </Button>
                </div>
              )}
          </Section>
        </Flex>
      </Container>
    </>
  );
}
