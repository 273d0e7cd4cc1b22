import {
  Alert,
  Button,
  ButtonIcon,
  Card,
  CardBody,
  CardHeader,
  Flex,
  Radio,
  RadioGroup,
  Select,
  Text,
  TextField,
  VisuallyHidden,
} from '@backstage/ui';
import { ResponseError } from '@backstage/errors';
import {
  Environment,
  EnvironmentRequest,
  EnvironmentTypeDescription,
  ValidationIssue,
} from '@internal/backstage-plugin-environments-common';
import { RiAddLine, RiDeleteBinLine } from '@remixicon/react';
import { FormValidationContext } from 'react-aria-components';
import { FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import {
  DatabaseDraft,
  emptyDraft,
  fieldLabel,
  RequestDraft,
  sentence,
  toEnvironmentRequest,
  validateDraft,
} from './requestDraft';
import { typeFacts, whyNotAllowed } from './typeSummary';

/** A component the environment can be for. */
export type ComponentOption = {
  /** Its entity reference, `component:default/orders-service`. */
  ref: string;
  title: string;
  owner?: string;
};

export type EnvironmentRequestFormProps = {
  types: EnvironmentTypeDescription[];
  components: ComponentOption[];
  /** Preselects a component, for example when opened from its page. */
  initialComponentRef?: string;
  /** Sends the request; a `ResponseError` with `issues` is shown on the fields. */
  onSubmit: (request: EnvironmentRequest) => Promise<Environment>;
  onCreated: (environment: Environment) => void;
  onCancel?: () => void;
};

/**
 * What the server said about a request, as issues on the form's fields: a
 * 400 lists them; a 409 means the name is taken; anything else is about the
 * request as a whole.
 */
function issuesFromFailure(error: unknown): ValidationIssue[] {
  if (error instanceof ResponseError) {
    const body = error.body.error as { issues?: ValidationIssue[] };
    if (Array.isArray(body.issues) && body.issues.length > 0) {
      return body.issues;
    }
    if (error.statusCode === 409) {
      return [{ field: 'name', rule: error.body.error.message }];
    }
    return [{ field: 'request', rule: error.body.error.message }];
  }
  return [
    { field: 'request', rule: String((error as Error)?.message ?? error) },
  ];
}

/** Whether an issue is about `field` or one of its parts. */
const concerns = (issue: ValidationIssue, field: string) =>
  issue.field === field || issue.field.startsWith(`${field}.`);

/**
 * The request form. It validates as the user types, with the same shared
 * schema as the backend, and shows each problem next to its field once the
 * field was touched, or on submit; the backend's answer to an invalid request
 * lands on the same fields.
 */
export function EnvironmentRequestForm(props: EnvironmentRequestFormProps) {
  const { types, components, onSubmit, onCreated, onCancel } = props;
  const [draft, setDraft] = useState<RequestDraft>(() =>
    emptyDraft(
      components.find(
        c =>
          c.ref.toLocaleLowerCase('en-US') ===
          props.initialComponentRef?.toLocaleLowerCase('en-US'),
      )?.ref,
    ),
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitAttempts, setSubmitAttempts] = useState(0);
  const [serverIssues, setServerIssues] = useState<ValidationIssue[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const nextDatabaseKey = useRef(1);
  const formRef = useRef<HTMLFormElement>(null);

  const type = types.find(t => t.name === draft.type);
  const clientIssues = useMemo(
    () => validateDraft(draft, types),
    [draft, types],
  );
  const issues = [...clientIssues, ...serverIssues];
  const shown = (field: string) => submitAttempts > 0 || touched.has(field);
  const errorFor = (field: string): string | undefined => {
    if (!shown(field)) {
      return undefined;
    }
    const rules = issues
      .filter(i => i.field === field)
      .map(i => sentence(i.rule));
    return rules.length > 0 ? rules.join(' ') : undefined;
  };
  // Issues on no field of the form (the request as a whole, an image the
  // form does not set): shown above the buttons.
  const formIssues = issues.filter(
    issue => !fieldLabel(issue.field) && shown(issue.field),
  );

  const change = (field: string, update: Partial<RequestDraft>) => {
    setDraft(current => ({ ...current, ...update }));
    setTouched(current => new Set(current).add(field));
    setServerIssues(current =>
      current.filter(
        issue => !concerns(issue, field) && issue.field !== 'request',
      ),
    );
  };
  const changeDatabase = (
    index: number,
    part: 'name' | 'version' | 'storage',
    value: string,
  ) =>
    change(`resources.${index}.${part}`, {
      databases: draft.databases.map((database, i) =>
        i === index ? { ...database, [part]: value } : database,
      ),
    });

  // After a submit with problems, the first field with one gets the focus.
  useEffect(() => {
    if (submitAttempts > 0) {
      const invalid = formRef.current?.querySelector<HTMLElement>(
        '[aria-invalid="true"]',
      );
      // A radio group or picker is marked as a whole; focus what it holds.
      const focusable = invalid?.matches('input, button, [tabindex]')
        ? invalid
        : invalid?.querySelector<HTMLElement>(
            'input:not([disabled]), button:not([disabled])',
          );
      focusable?.focus();
    }
  }, [submitAttempts, serverIssues]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitAttempts(n => n + 1);
    if (clientIssues.length > 0) {
      setAnnouncement(describeIssues(clientIssues));
      return;
    }
    setSubmitting(true);
    setAnnouncement('Sending the request');
    try {
      const created = await onSubmit(toEnvironmentRequest(draft, type));
      setAnnouncement('Environment requested');
      onCreated(created);
    } catch (error) {
      const found = issuesFromFailure(error);
      setServerIssues(found);
      setAnnouncement(describeIssues(found));
    } finally {
      setSubmitting(false);
    }
  };

  const textField = (
    field: string,
    label: string,
    value: string,
    onChange: (value: string) => void,
    extra: {
      description?: string;
      placeholder?: string;
      secondaryLabel?: string;
    } = {},
  ) => (
    <TextField
      label={label}
      name={field}
      value={value}
      onChange={onChange}
      validationBehavior="aria"
      validate={() => errorFor(field) ?? null}
      {...extra}
    />
  );

  // The pickers get their errors through React Aria's form context: its
  // `validate` prop is not consulted while nothing is picked.
  const pickerErrors: Record<string, string> = {};
  for (const field of ['componentRef', 'type']) {
    const error = errorFor(field);
    if (error) pickerErrors[field] = error;
  }

  return (
    <FormValidationContext.Provider value={pickerErrors}>
      <form
        ref={formRef}
        onSubmit={submit}
        noValidate
        aria-label="Request an environment"
      >
        <Flex direction="column" gap="4">
          <Card>
            <CardHeader>
              <Text as="h2" variant="title-small">
                What it is for
              </Text>
            </CardHeader>
            <CardBody>
              <Flex direction="column" gap="4">
                <Select
                  label="Component"
                  name="componentRef"
                  secondaryLabel="Required"
                  searchable
                  searchPlaceholder="Search components"
                  placeholder="Choose a component"
                  description="The catalog component whose service runs in the environment."
                  value={draft.componentRef || null}
                  onChange={key =>
                    change('componentRef', {
                      componentRef: key ? String(key) : '',
                    })
                  }
                  validationBehavior="aria"
                  options={components.map(c => ({
                    id: c.ref,
                    label: c.title,
                    description: c.owner ? `Owned by ${c.owner}` : undefined,
                  }))}
                />
                <RadioGroup
                  label="Environment type"
                  name="type"
                  secondaryLabel="Required"
                  value={draft.type || null}
                  onChange={value => change('type', { type: value })}
                  validationBehavior="aria"
                >
                  {types.map(t => (
                    <Radio key={t.name} value={t.name} isDisabled={!t.allowed}>
                      <Flex direction="column" gap="1">
                        <Text weight="bold">{t.name}</Text>
                        <Text variant="body-small">{t.description}</Text>
                        {typeFacts(t).map(fact => (
                          <Text
                            key={fact}
                            variant="body-small"
                            color="secondary"
                          >
                            {fact}
                          </Text>
                        ))}
                        {whyNotAllowed(t) && (
                          <Text variant="body-small" color="warning">
                            {whyNotAllowed(t)}
                          </Text>
                        )}
                      </Flex>
                    </Radio>
                  ))}
                </RadioGroup>
              </Flex>
            </CardBody>
          </Card>

          <Card>
            <CardHeader>
              <Text as="h2" variant="title-small">
                Name and lifetime
              </Text>
            </CardHeader>
            <CardBody>
              <Flex direction="column" gap="4">
                {textField(
                  'name',
                  'Name',
                  draft.name,
                  name => change('name', { name }),
                  {
                    description: `Lowercase letters, digits and "-", at most 40 characters; part of the namespace name. Leave empty for ${
                      draft.type ? `"${draft.type}"` : 'the type name'
                    }.`,
                    placeholder: draft.type || 'pr-1234',
                  },
                )}
                {type?.ttl &&
                  textField(
                    'ttl',
                    'Time to live',
                    draft.ttl,
                    ttl => change('ttl', { ttl }),
                    {
                      description: `Minutes, hours or days, such as 30m, 4h or 2d. Default ${type.ttl.default}, at most ${type.ttl.max}.`,
                      placeholder: type.ttl.default,
                    },
                  )}
              </Flex>
            </CardBody>
          </Card>

          <Card>
            <CardHeader>
              <Text as="h2" variant="title-small">
                Quota overrides
              </Text>
            </CardHeader>
            <CardBody>
              <Flex gap="4" style={{ flexWrap: 'wrap' }}>
                {textField(
                  'overrides.cpu',
                  'CPU',
                  draft.cpu,
                  cpu => change('overrides.cpu', { cpu }),
                  {
                    description: type
                      ? `Cores, such as 2 or 500m. Baseline ${type.baseline.quota.cpu}, at most ${type.bounds.cpu}.`
                      : 'Cores, such as 2 or 500m. Choose a type to see its bounds.',
                    placeholder: type?.baseline.quota.cpu,
                  },
                )}
                {textField(
                  'overrides.memory',
                  'Memory',
                  draft.memory,
                  memory => change('overrides.memory', { memory }),
                  {
                    description: type
                      ? `Bytes, such as 4Gi or 512Mi. Baseline ${type.baseline.quota.memory}, at most ${type.bounds.memory}.`
                      : 'Bytes, such as 4Gi or 512Mi. Choose a type to see its bounds.',
                    placeholder: type?.baseline.quota.memory,
                  },
                )}
              </Flex>
            </CardBody>
          </Card>

          <Card>
            <CardHeader>
              <Text as="h2" variant="title-small">
                Databases
              </Text>
            </CardHeader>
            <CardBody>
              <Flex direction="column" gap="4">
                {draft.databases.length === 0 && (
                  <Text variant="body-small" color="secondary">
                    No databases. A PostgreSQL database gets its own
                    StatefulSet, Service and a Secret with generated
                    credentials.
                  </Text>
                )}
                {draft.databases.map((database: DatabaseDraft, index) => (
                  <fieldset
                    key={database.key}
                    style={{ border: 0, margin: 0, padding: 0 }}
                  >
                    <legend>
                      <Text weight="bold">PostgreSQL database {index + 1}</Text>
                    </legend>
                    <Flex gap="4" align="start" style={{ flexWrap: 'wrap' }}>
                      {textField(
                        `resources.${index}.name`,
                        'Database name',
                        database.name,
                        v => changeDatabase(index, 'name', v),
                        {
                          secondaryLabel: 'Required',
                          description:
                            'Lowercase letters, digits and "-"; unique in the environment.',
                        },
                      )}
                      {textField(
                        `resources.${index}.version`,
                        'PostgreSQL version',
                        database.version,
                        v => changeDatabase(index, 'version', v),
                        {
                          description: 'Such as 16 or 16.4. Default 16.',
                          placeholder: '16',
                        },
                      )}
                      {textField(
                        `resources.${index}.storage`,
                        'Storage',
                        database.storage,
                        v => changeDatabase(index, 'storage', v),
                        {
                          description: 'Volume size, such as 1Gi. Default 1Gi.',
                          placeholder: '1Gi',
                        },
                      )}
                      <ButtonIcon
                        aria-label={`Remove PostgreSQL database ${index + 1}`}
                        icon={<RiDeleteBinLine />}
                        variant="tertiary"
                        onPress={() =>
                          change('resources', {
                            databases: draft.databases.filter(
                              (_, i) => i !== index,
                            ),
                          })
                        }
                      />
                    </Flex>
                  </fieldset>
                ))}
                <div>
                  <Button
                    variant="secondary"
                    iconStart={<RiAddLine />}
                    onPress={() =>
                      setDraft(current => ({
                        ...current,
                        databases: [
                          ...current.databases,
                          {
                            key: nextDatabaseKey.current++,
                            name: current.databases.length === 0 ? 'db' : '',
                            version: '',
                            storage: '',
                          },
                        ],
                      }))
                    }
                  >
                    Add a PostgreSQL database
                  </Button>
                </div>
              </Flex>
            </CardBody>
          </Card>

          {formIssues.length > 0 && (
            <Alert
              status="danger"
              title="The request was not accepted"
              description={formIssues
                .map(issue =>
                  issue.field === 'request'
                    ? sentence(issue.rule)
                    : `${issue.field}: ${issue.rule}`,
                )
                .join('\n')}
            />
          )}
          <VisuallyHidden aria-live="polite" role="status">
            {announcement}
          </VisuallyHidden>
          <Flex gap="2">
            <Button type="submit" variant="primary" isPending={submitting}>
              Request environment
            </Button>
            {onCancel && (
              <Button variant="secondary" onPress={onCancel}>
                Cancel
              </Button>
            )}
          </Flex>
        </Flex>
      </form>
    </FormValidationContext.Provider>
  );
}

function describeIssues(issues: ValidationIssue[]): string {
  const fields = [
    ...new Set(issues.map(issue => fieldLabel(issue.field) ?? issue.field)),
  ];
  return fields.length === 1
    ? `${fields[0]} needs attention`
    : `${fields.length} fields need attention: ${fields.join(', ')}`;
}
