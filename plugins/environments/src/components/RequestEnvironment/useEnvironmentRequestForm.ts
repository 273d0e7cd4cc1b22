import {
  Environment,
  EnvironmentRequest,
  EnvironmentTypeDescription,
  PolicyDeniedDetails,
  policyDenialOf,
  PolicyEvaluation,
  ValidationIssue,
} from '@internal/backstage-plugin-environments-common';
import { FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { usePolicyDryRun } from '../Policy/usePolicyDryRun';
import { issuesFromFailure } from './issuesFromFailure';
import {
  DatabaseDraft,
  emptyDraft,
  fieldLabel,
  RequestDraft,
  sentence,
  toEnvironmentRequest,
  validateDraft,
} from './requestDraft';

/** Whether an issue is about `field` or one of its parts. */
const concerns = (issue: ValidationIssue, field: string) =>
  issue.field === field || issue.field.startsWith(`${field}.`);

function describeIssues(issues: ValidationIssue[]): string {
  const fields = [
    ...new Set(issues.map(issue => fieldLabel(issue.field) ?? issue.field)),
  ];
  return fields.length === 1
    ? `${fields[0]} needs attention`
    : `${fields.length} fields need attention: ${fields.join(', ')}`;
}

export type EnvironmentRequestFormOptions = {
  types: EnvironmentTypeDescription[];
  /** The component refs to choose from, to preselect `initialComponentRef`. */
  componentRefs: string[];
  initialComponentRef?: string;
  onSubmit: (request: EnvironmentRequest) => Promise<Environment>;
  onCreated: (environment: Environment) => void;
  /** A dry run of the policies on what a submit would send; stable across renders. */
  onEvaluatePolicy?: (request: EnvironmentRequest) => Promise<PolicyEvaluation>;
};

/**
 * The state of the request form: the draft as typed, its issues with the
 * same shared schema as the backend (each shown once its field was touched,
 * or after a submit), the submit, and the backend's answer to an invalid
 * request put on the fields it names. After a submit with problems, the
 * first field with one gets the focus.
 */
export function useEnvironmentRequestForm(
  options: EnvironmentRequestFormOptions,
) {
  const { types, componentRefs, onSubmit, onCreated, onEvaluatePolicy } =
    options;
  const [draft, setDraft] = useState<RequestDraft>(() =>
    emptyDraft(
      componentRefs.find(
        ref =>
          ref.toLocaleLowerCase('en-US') ===
          options.initialComponentRef?.toLocaleLowerCase('en-US'),
      ),
    ),
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitAttempts, setSubmitAttempts] = useState(0);
  const [serverIssues, setServerIssues] = useState<ValidationIssue[]>([]);
  const [denial, setDenial] = useState<PolicyDeniedDetails>();
  const [submitting, setSubmitting] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const nextDatabaseKey = useRef(1);
  const formRef = useRef<HTMLFormElement>(null);

  const type = types.find(t => t.name === draft.type);
  const clientIssues = useMemo(
    () => validateDraft(draft, types),
    [draft, types],
  );
  const request = useMemo(
    () =>
      clientIssues.length === 0 ? toEnvironmentRequest(draft, type) : undefined,
    [clientIssues, draft, type],
  );
  // Only a request the API would accept is worth asking the policies about.
  const policy = usePolicyDryRun(onEvaluatePolicy, request);
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

  // The pickers get their errors through React Aria's form context: its
  // `validate` prop is not consulted while nothing is picked.
  const pickerErrors: Record<string, string> = {};
  for (const field of ['componentRef', 'type']) {
    const error = errorFor(field);
    if (error) pickerErrors[field] = error;
  }

  const change = (field: string, update: Partial<RequestDraft>) => {
    setDraft(current => ({ ...current, ...update }));
    setTouched(current => new Set(current).add(field));
    setDenial(undefined);
    setServerIssues(current =>
      current.filter(
        issue => !concerns(issue, field) && issue.field !== 'request',
      ),
    );
  };
  const changeDatabase = (
    index: number,
    part: keyof Omit<DatabaseDraft, 'key'>,
    value: string,
  ) =>
    change(`resources.${index}.${part}`, {
      databases: draft.databases.map((database, i) =>
        i === index ? { ...database, [part]: value } : database,
      ),
    });
  const removeDatabase = (index: number) =>
    change('resources', {
      databases: draft.databases.filter((_, i) => i !== index),
    });
  const addDatabase = () =>
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
    }));

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
    if (policy.denied) {
      setAnnouncement('The platform policies deny this request');
      return;
    }
    setSubmitting(true);
    setAnnouncement('Sending the request');
    try {
      const created = await onSubmit(toEnvironmentRequest(draft, type));
      setAnnouncement('Environment requested');
      onCreated(created);
    } catch (error) {
      const denied = policyDenialOf(error);
      if (denied) {
        setDenial(denied);
        setAnnouncement('Denied by the platform policies');
        return;
      }
      const found = issuesFromFailure(error);
      setServerIssues(found);
      setAnnouncement(describeIssues(found));
    } finally {
      setSubmitting(false);
    }
  };

  return {
    draft,
    /** The chosen type, once one is. */
    type,
    /** The problems with a field, as sentences, once they are to be shown. */
    errorFor,
    formIssues,
    pickerErrors,
    change,
    changeDatabase,
    addDatabase,
    removeDatabase,
    submit,
    submitting,
    /** What a screen reader announces about the last submit. */
    announcement,
    formRef,
    /** The dry run of the policies on the draft. */
    policy,
    /** The policies' denial of the last submit, until the draft changes. */
    denial,
  };
}

/** The request form's state and actions, for its field groups. */
export type EnvironmentRequestFormState = ReturnType<
  typeof useEnvironmentRequestForm
>;
