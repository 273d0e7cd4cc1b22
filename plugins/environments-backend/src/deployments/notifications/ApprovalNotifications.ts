import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import {
  Deployment,
  DeploymentApproval,
  DeploymentsStore,
  Environment,
  errorMessage,
} from '../../model';

/** The topic of every approval notification, for people to filter or mute. */
export const APPROVALS_TOPIC = 'environments-approvals';

/** The portal's page of pending approvals. */
export const APPROVALS_LINK = '/environments/approvals';

type Payload = NotificationSendOptions['payload'];

/** What an approval was about, for people: "orders-service 1.4.2 to production". */
type Subject = {
  /** `deployment:<id>` or `environment:<id>`: the notification's scope. */
  key: string;
  what: string;
  componentRef: string;
  createdBy: string;
  approval: DeploymentApproval;
  /** Why it was asked for: the deployment's message, or the environment's reason. */
  message?: string;
};

/**
 * Tells the approvers when a deployment or an environment starts waiting for
 * their approval, and the requester what became of it (approved, rejected,
 * expired), through Backstage's notifications. Deployments are followed
 * through the store's `onChange`; environments are told of by the service.
 *
 * Stateless: each notification is decided from the record alone, on the one
 * change that makes the transition, so that it is sent once per replica that
 * made the change. A failure to notify is logged; it never fails the change.
 */
export class ApprovalNotifications {
  constructor(
    private readonly notifications: NotificationService,
    private readonly logger: LoggerService,
  ) {}

  /** Follows the deployments' approvals; each change is told at most once. */
  followDeployments(store: Pick<DeploymentsStore, 'onChange'>): void {
    store.onChange(deployment => {
      // The store's listeners are synchronous; sending is not, and it never throws.
      void this.deploymentChanged(deployment);
    });
  }

  async deploymentChanged(deployment: Deployment): Promise<void> {
    const { approval } = deployment;
    if (!approval) {
      return;
    }
    const subject: Subject = {
      key: `deployment:${deployment.id}`,
      what: `${componentName(deployment.componentRef)} ${
        deployment.version
      } to ${deployment.environmentName}`,
      componentRef: deployment.componentRef,
      createdBy: deployment.createdBy,
      approval,
      message: deployment.message,
    };
    const { decision } = approval;
    if (deployment.state === 'pending-approval' && !decision) {
      await this.askApprovers(subject);
    } else if (
      decision?.outcome === 'approved' &&
      // The change that recorded the decision; later ones (the rollout's
      // end) carry the same decision and must not tell it again.
      deployment.updatedAt.getTime() === decision.at.getTime()
    ) {
      await this.tellRequester(subject);
    } else if (deployment.state === 'rejected' && decision) {
      await this.tellRequester(subject);
    } else if (deployment.state === 'expired') {
      await this.tellRequester(subject);
    }
  }

  /** A gated environment was requested. */
  async environmentApprovalRequested(environment: Environment): Promise<void> {
    const subject = environmentSubject(environment);
    if (subject && !subject.approval.decision) {
      await this.askApprovers(subject);
    }
  }

  /** A gated environment was approved, rejected or expired. */
  async environmentApprovalDecided(environment: Environment): Promise<void> {
    const subject = environmentSubject(environment);
    if (subject) {
      await this.tellRequester(subject);
    }
  }

  private async askApprovers(subject: Subject): Promise<void> {
    const { approval, createdBy } = subject;
    if (approval.groups.length === 0) {
      this.logger.warn('Nobody can approve a request: it names no groups', {
        subject: subject.key,
      });
      return;
    }
    await this.send('approvers', {
      recipients: {
        type: 'entity',
        entityRef: approval.groups,
        excludeEntityRef: createdBy,
      },
      payload: {
        title: `Approval needed: ${subject.what}`,
        description: [
          `Requested by ${createdBy}`,
          subject.message && `: ${subject.message}`,
          `. Approve or reject by ${approval.expiresAt.toISOString()}.`,
        ]
          .filter(Boolean)
          .join(''),
        link: APPROVALS_LINK,
        ...common(subject, 'request'),
      },
    });
  }

  private async tellRequester(subject: Subject): Promise<void> {
    const { createdBy, approval } = subject;
    // A pipeline's service principal has no inbox.
    if (!isUserRef(createdBy)) {
      return;
    }
    const { decision } = approval;
    const outcome = decision ? decision.outcome : 'expired';
    const description = decision
      ? `${capitalized(outcome)} by ${decision.by}: ${decision.comment}`
      : `Nobody approved it by ${approval.expiresAt.toISOString()}; request it again if it is still needed.`;
    await this.send('requester', {
      recipients: { type: 'entity', entityRef: createdBy },
      payload: {
        title: `${capitalized(outcome)}: ${subject.what}`,
        description,
        link: entityLink(subject.componentRef),
        ...common(subject, 'outcome'),
      },
    });
  }

  private async send(
    audience: 'approvers' | 'requester',
    options: NotificationSendOptions,
  ): Promise<void> {
    try {
      await this.notifications.send(options);
    } catch (error) {
      this.logger.warn(`Failed to notify the ${audience} of an approval`, {
        title: options.payload.title,
        error: errorMessage(error),
      });
    }
  }
}

/** Builds the approval notifications; `plugin.ts` wires them. */
export function createApprovalNotifications(options: {
  notifications: NotificationService;
  logger: LoggerService;
  /** Followed for the approvals of deployments, when given. */
  deployments?: Pick<DeploymentsStore, 'onChange'>;
}): ApprovalNotifications {
  const notifier = new ApprovalNotifications(
    options.notifications,
    options.logger.child({ component: 'approval-notifications' }),
  );
  if (options.deployments) {
    notifier.followDeployments(options.deployments);
  }
  return notifier;
}

function environmentSubject(environment: Environment): Subject | undefined {
  const { approval } = environment;
  if (!approval) {
    return undefined;
  }
  return {
    key: `environment:${environment.id}`,
    what: `${componentName(environment.componentRef)} new ${
      environment.type
    } environment ${environment.name}`,
    componentRef: environment.componentRef,
    createdBy: environment.createdBy,
    approval,
  };
}

/**
 * The scope makes the notifications backend update, rather than repeat, a
 * notification of the same request and kind should one be sent twice.
 */
function common(
  subject: Subject,
  kind: 'request' | 'outcome',
): Pick<Payload, 'topic' | 'severity' | 'scope'> {
  return {
    topic: APPROVALS_TOPIC,
    severity: 'normal',
    scope: `environments-approval:${kind}:${subject.key}`,
  };
}

function componentName(componentRef: string): string {
  try {
    return parseEntityRef(componentRef).name;
  } catch {
    return componentRef;
  }
}

function entityLink(componentRef: string): string {
  try {
    const { kind, namespace, name } = parseEntityRef(componentRef);
    return `/catalog/${namespace}/${kind.toLowerCase()}/${name}`;
  } catch {
    return APPROVALS_LINK;
  }
}

function isUserRef(ref: string): boolean {
  return ref.toLowerCase().startsWith('user:');
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
