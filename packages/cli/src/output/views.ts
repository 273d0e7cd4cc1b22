import {
  Deployment,
  DeploymentDiff,
  Environment,
  EnvironmentEvent,
  EnvironmentPod,
  EnvironmentTypeDescription,
} from '@internal/backstage-plugin-environments-common';
import { Colors, colorOfState } from './color';
import { Column, renderFields, renderTable } from './table';
import { relativeTime } from './time';

// How each concept of the API reads in a terminal. -o json and -o yaml print
// the API's objects instead, unchanged.

type View = { colors: Colors; width?: number };

const shortRef = (ref: string) => ref.replace(/^[a-z]+:default\//, '');

export function environmentsTable(items: Environment[], view: View): string {
  if (items.length === 0) return 'No environments\n';
  const columns: Column<Environment>[] = [
    { header: 'COMPONENT', value: e => shortRef(e.componentRef) },
    { header: 'NAME', value: e => e.name },
    { header: 'TYPE', value: e => e.type },
    {
      header: 'STATUS',
      value: e => e.status,
      render: text => colorOfState(view.colors, text),
    },
    { header: 'OWNER', value: e => shortRef(e.ownerRef) },
    { header: 'EXPIRES', value: e => relativeTime(e.expiresAt) },
    { header: 'ID', value: e => e.id },
  ];
  return renderTable(items, columns, view);
}

function approvalText(approval: NonNullable<Environment['approval']>) {
  const { decision } = approval;
  if (decision) {
    return `${decision.outcome} by ${decision.by}: ${decision.comment}`;
  }
  return `waiting for ${approval.groups.join(', ')} until ${
    approval.expiresAt
  }`;
}

export function environmentDetails(e: Environment, view: View): string {
  const { colors } = view;
  let text = renderFields(
    [
      ['Environment', `${shortRef(e.componentRef)}/${e.name}`],
      ['ID', e.id],
      ['Component', e.componentRef],
      ['Type', e.type],
      [
        'Status',
        `${colorOfState(colors, e.status)}${e.reason ? ` (${e.reason})` : ''}`,
      ],
      ['Namespace', e.namespace],
      ['Owner', e.ownerRef],
      ['Requested by', `${e.createdBy}, ${relativeTime(e.createdAt)}`],
      [
        'Expires',
        e.expiresAt
          ? `${e.expiresAt} (${relativeTime(e.expiresAt)})`
          : undefined,
      ],
      ['Image', e.spec.image],
      ['Approval', e.approval && approvalText(e.approval)],
    ],
    colors,
  );
  if (e.conditions.length > 0) {
    text += `\n${renderTable(
      e.conditions,
      [
        { header: 'KIND', value: c => c.kind },
        { header: 'NAME', value: c => c.name },
        {
          header: 'STATUS',
          value: c => c.status,
          render: t => colorOfState(colors, t),
        },
        { header: 'SINCE', value: c => relativeTime(c.lastTransitionTime) },
        { header: 'MESSAGE', value: c => c.message ?? c.reason ?? '' },
      ],
      view,
    )}`;
  }
  return text;
}

export function typesTable(
  items: EnvironmentTypeDescription[],
  view: View,
): string {
  return renderTable(
    items,
    [
      { header: 'TYPE', value: t => t.name },
      {
        header: 'EPHEMERAL',
        value: t =>
          t.ephemeral
            ? `yes, ${t.ttl?.default ?? ''} (max ${t.ttl?.max ?? ''})`
            : 'no',
      },
      {
        header: 'APPROVAL',
        value: t => (t.requiresApproval ? 'required' : ''),
      },
      { header: 'ALLOWED', value: t => (t.allowed ? 'yes' : 'no') },
      { header: 'DESCRIPTION', value: t => t.description },
    ],
    view,
  );
}

function deploymentOutcome(d: Deployment): string {
  if (d.approval?.decision) {
    return `${d.approval.decision.outcome} by ${shortRef(
      d.approval.decision.by,
    )}: ${d.approval.decision.comment}`;
  }
  if (d.state === 'pending-approval' && d.approval) {
    return `waiting for ${d.approval.groups.map(shortRef).join(', ')}`;
  }
  return d.reason ?? '';
}

export function deploymentsTable(items: Deployment[], view: View): string {
  if (items.length === 0) return 'No deployments\n';
  return renderTable(
    items,
    [
      { header: '#', value: d => String(d.sequence) },
      { header: 'ENVIRONMENT', value: d => d.environmentName },
      { header: 'KIND', value: d => d.kind },
      {
        header: 'STATE',
        value: d => d.state,
        render: t => colorOfState(view.colors, t),
      },
      { header: 'VERSION', value: d => d.version },
      { header: 'BY', value: d => `${shortRef(d.createdBy)} (${d.source})` },
      { header: 'CREATED', value: d => relativeTime(d.createdAt) },
      {
        header: 'MESSAGE',
        value: d =>
          [d.message, deploymentOutcome(d)].filter(Boolean).join(' — '),
      },
      { header: 'ID', value: d => d.id },
    ],
    view,
  );
}

export function deploymentDetails(d: Deployment, view: View): string {
  const { colors } = view;
  return renderFields(
    [
      [
        'Deployment',
        `${d.kind} #${d.sequence} to ${shortRef(d.componentRef)}/${
          d.environmentName
        }`,
      ],
      ['ID', d.id],
      [
        'State',
        `${colorOfState(colors, d.state)}${d.reason ? ` (${d.reason})` : ''}`,
      ],
      ['Version', d.version],
      ['Image', d.config.image],
      ['Replicas', String(d.config.replicas)],
      ['Message', d.message],
      ['By', `${d.createdBy} (${d.source}), ${relativeTime(d.createdAt)}`],
      ['Rollback of', d.rollbackOf],
      [
        'Promoted from',
        d.promotedFrom
          ? `${d.promotedFrom.environmentName} (${d.promotedFrom.deploymentId})`
          : undefined,
      ],
      [
        'Approval',
        d.approval
          ? deploymentOutcome(d) ||
            `waiting for ${d.approval.groups.join(', ')}`
          : undefined,
      ],
      ['Finished', d.finishedAt ? relativeTime(d.finishedAt) : undefined],
    ],
    colors,
  );
}

export function diffText(diff: DeploymentDiff, colors: Colors): string {
  return diff.text
    .split('\n')
    .map(line => {
      if (line.startsWith('+')) return colors.green(line);
      if (line.startsWith('-')) return colors.red(line);
      return line;
    })
    .join('\n');
}

export function podsTable(items: EnvironmentPod[], view: View): string {
  if (items.length === 0) return 'No pods\n';
  return renderTable(
    items,
    [
      { header: 'POD', value: p => p.name },
      {
        header: 'READY',
        value: p =>
          `${p.containers.filter(c => c.ready).length}/${p.containers.length}`,
      },
      { header: 'PHASE', value: p => p.phase },
      { header: 'RESTARTS', value: p => String(p.restarts) },
      {
        header: 'AGE',
        value: p => relativeTime(p.createdAt).replace(/ ago$/, ''),
      },
      {
        header: 'CONTAINERS',
        value: p => p.containers.map(c => c.name).join(', '),
      },
    ],
    view,
  );
}

export function eventsTable(items: EnvironmentEvent[], view: View): string {
  if (items.length === 0) return 'No events\n';
  return renderTable(
    items,
    [
      { header: 'LAST SEEN', value: e => relativeTime(e.lastSeen) },
      {
        header: 'TYPE',
        value: e => e.type,
        render: t => (t === 'Warning' ? view.colors.yellow(t) : t),
      },
      { header: 'REASON', value: e => e.reason },
      { header: 'OBJECT', value: e => `${e.object.kind}/${e.object.name}` },
      { header: 'COUNT', value: e => String(e.count) },
      {
        header: 'MESSAGE',
        value: e => (e.hint ? `${e.message} (hint: ${e.hint})` : e.message),
      },
    ],
    view,
  );
}
