import {
  Deployment,
  DeployRequest,
  EnvironmentTypeDescription,
  PolicyDeniedDetails,
  policyDenialOf,
  PolicyEvaluation,
  ResolvedConfig,
  ValidationIssue,
} from '@internal/backstage-plugin-environments-common';
import { FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import {
  DeployDraft,
  draftFrom,
  imageRepository,
  imageTag,
  resolveDraft,
  toDeployRequest,
  validateDeployDraft,
} from '../components/DeployForm/deployDraft';
import {
  deployFieldLabel,
  deployIssuesFromFailure,
} from '../components/DeployForm/deployIssues';
import { sentence } from '../components/RequestEnvironment/requestDraft';
import { usePolicyDryRun } from '../components/Policy/usePolicyDryRun';

/** Whether an issue is about `field` (an image's tag is about the image too). */
const concerns = (issue: ValidationIssue, field: string) =>
  issue.field === field || issue.field.startsWith(`${field}.`);

export type DeployFormOptions = {
  configuration: ResolvedConfig;
  /** The environment's type, for its bounds; validated without them until known. */
  type?: EnvironmentTypeDescription;
  onSubmit: (request: DeployRequest) => Promise<Deployment>;
  onDeployed: (deployment: Deployment) => void;
  /** A dry run of the policies on what a submit would send; stable across renders. */
  onEvaluatePolicy?: (request: DeployRequest) => Promise<PolicyEvaluation>;
};

/**
 * The deploy form's state: the draft of the override layer as typed, its
 * issues as the API finds them (each shown once its field was touched, or
 * all of them after a submit), what the draft would run with and from which
 * layer, and the API's answer put on the fields it names. After a submit
 * with problems, the first invalid field gets the focus.
 */
export function useDeployForm(options: DeployFormOptions) {
  const { configuration, type, onSubmit, onDeployed, onEvaluatePolicy } =
    options;
  const [draft, setDraft] = useState<DeployDraft>(() =>
    draftFrom(configuration),
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitAttempts, setSubmitAttempts] = useState(0);
  const [serverIssues, setServerIssues] = useState<ValidationIssue[]>([]);
  const [denial, setDenial] = useState<PolicyDeniedDetails>();
  const [submitting, setSubmitting] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const nextRowKey = useRef(draft.env.length);
  const formRef = useRef<HTMLFormElement>(null);

  const clientIssues = useMemo(
    () => validateDeployDraft(draft, configuration, type),
    [draft, configuration, type],
  );
  const issues = [...clientIssues, ...serverIssues];
  const resolved = useMemo(
    () => resolveDraft(draft, configuration),
    [draft, configuration],
  );
  const request = useMemo(
    () => toDeployRequest(draft, configuration),
    [draft, configuration],
  );
  // Only a draft the API would accept is worth asking the policies about.
  const policy = usePolicyDryRun(
    onEvaluatePolicy,
    clientIssues.length === 0 ? request : undefined,
  );

  const shown = (field: string) => submitAttempts > 0 || touched.has(field);
  const errorFor = (field: string): string | undefined => {
    if (!shown(field)) return undefined;
    const rules = issues
      .filter(issue => issue.field === field)
      .map(issue => sentence(issue.rule));
    return rules.length > 0 ? rules.join(' ') : undefined;
  };
  // Issues on no field of the form (a 409, a secret reference): above the buttons.
  const formIssues = issues.filter(
    issue => !deployFieldLabel(issue.field, draft) && shown(issue.field),
  );

  const describe = (found: ValidationIssue[]) => {
    const fields = [
      ...new Set(
        found.map(issue => deployFieldLabel(issue.field, draft) ?? issue.field),
      ),
    ];
    return fields.length === 1
      ? `${fields[0]} needs attention`
      : `${fields.length} fields need attention: ${fields.join(', ')}`;
  };

  const change = (field: string, update: Partial<DeployDraft>) => {
    setDraft(current => ({ ...current, ...update }));
    setTouched(current => new Set(current).add(field));
    setDenial(undefined);
    setServerIssues(current =>
      current.filter(
        issue => !concerns(issue, field) && issue.field !== 'request',
      ),
    );
  };
  /** Takes a recent version: its repository and tag. */
  const pickVersion = (image: string) =>
    change('tag', { repository: imageRepository(image), tag: imageTag(image) });
  const changeEnv = (key: number, part: 'name' | 'value', value: string) => {
    const row = draft.env.find(r => r.key === key);
    change(part === 'name' ? `envRow.${key}` : `env.${row?.name.trim()}`, {
      env: draft.env.map(r => (r.key === key ? { ...r, [part]: value } : r)),
    });
  };
  /** Overrides a variable, starting from `value` (what a lower layer gives it). */
  const addEnv = (name = '', value = '') => {
    const key = nextRowKey.current++;
    setDraft(current => ({
      ...current,
      env: [...current.env, { key, name, value }],
    }));
  };
  /** Removes a variable's override; the API is sent `null` for it. */
  const removeEnv = (key: number) => {
    const row = draft.env.find(r => r.key === key);
    change(`env.${row?.name.trim()}`, {
      env: draft.env.filter(r => r.key !== key),
    });
  };

  useEffect(() => {
    if (submitAttempts > 0) {
      formRef.current
        ?.querySelector<HTMLElement>('input[aria-invalid="true"]')
        ?.focus();
    }
  }, [submitAttempts, serverIssues]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitAttempts(n => n + 1);
    if (clientIssues.length > 0) {
      setAnnouncement(describe(clientIssues));
      return;
    }
    if (policy.denied) {
      setAnnouncement('The platform policies deny this deployment');
      return;
    }
    setSubmitting(true);
    setAnnouncement('Deploying');
    try {
      const deployment = await onSubmit(request);
      setAnnouncement(`Deployment ${deployment.sequence} ${deployment.state}`);
      onDeployed(deployment);
    } catch (error) {
      const denied = policyDenialOf(error);
      if (denied) {
        setDenial(denied);
        setAnnouncement('Denied by the platform policies');
        return;
      }
      const found = deployIssuesFromFailure(error);
      setServerIssues(found);
      setAnnouncement(describe(found));
    } finally {
      setSubmitting(false);
    }
  };

  return {
    draft,
    configuration,
    type,
    /** What the draft would run with, and the layer of each value. */
    resolved,
    /** The request a submit sends. */
    request,
    errorFor,
    formIssues,
    change,
    pickVersion,
    changeEnv,
    addEnv,
    removeEnv,
    submit,
    submitting,
    announcement,
    formRef,
    /** The dry run of the policies on the draft. */
    policy,
    /** The policies' denial of the last submit, until the draft changes. */
    denial,
  };
}

/** The deploy form's state and actions, for its field groups. */
export type DeployFormState = ReturnType<typeof useDeployForm>;
