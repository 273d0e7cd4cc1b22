import { LoggerService } from '@backstage/backend-plugin-api';
import { EnvironmentChangedPayload } from '@internal/backstage-plugin-environments-common';
import { Environment, EnvironmentsStore, toApiEnvironment } from '../model';

/**
 * A store that tells the rest of the platform about every change it makes to
 * an environment: the catalog module turns the events into delta mutations,
 * and the portal shows the signals live. Publishing never fails the change;
 * the catalog's periodic full sync catches up on anything lost.
 */
export class PublishingEnvironmentsStore implements EnvironmentsStore {
  constructor(
    private readonly inner: EnvironmentsStore,
    private readonly publish: (
      payload: EnvironmentChangedPayload,
    ) => Promise<void>,
    private readonly logger: LoggerService,
  ) {}

  async createEnvironment(
    ...args: Parameters<EnvironmentsStore['createEnvironment']>
  ) {
    return this.published(await this.inner.createEnvironment(...args));
  }

  getEnvironment(id: string) {
    return this.inner.getEnvironment(id);
  }

  listEnvironments(...args: Parameters<EnvironmentsStore['listEnvironments']>) {
    return this.inner.listEnvironments(...args);
  }

  async updateStatus(
    ...args: Parameters<EnvironmentsStore['updateStatus']>
  ): Promise<boolean> {
    const changed = await this.inner.updateStatus(...args);
    if (changed) {
      await this.published(await this.inner.getEnvironment(args[0].id));
    }
    return changed;
  }

  async updateSpec(...args: Parameters<EnvironmentsStore['updateSpec']>) {
    return this.published(await this.inner.updateSpec(...args));
  }

  async markDeleting(...args: Parameters<EnvironmentsStore['markDeleting']>) {
    return this.published(await this.inner.markDeleting(...args));
  }

  async markDeleted(...args: Parameters<EnvironmentsStore['markDeleted']>) {
    return this.published(await this.inner.markDeleted(...args));
  }

  listExpiredEnvironments(
    ...args: Parameters<EnvironmentsStore['listExpiredEnvironments']>
  ) {
    return this.inner.listExpiredEnvironments(...args);
  }

  async extendExpiry(...args: Parameters<EnvironmentsStore['extendExpiry']>) {
    return this.published(await this.inner.extendExpiry(...args));
  }

  appendAuditEvent(...args: Parameters<EnvironmentsStore['appendAuditEvent']>) {
    return this.inner.appendAuditEvent(...args);
  }

  listAuditEvents(environmentId: string) {
    return this.inner.listAuditEvents(environmentId);
  }

  enqueueJob(...args: Parameters<EnvironmentsStore['enqueueJob']>) {
    return this.inner.enqueueJob(...args);
  }

  claimNextJob(...args: Parameters<EnvironmentsStore['claimNextJob']>) {
    return this.inner.claimNextJob(...args);
  }

  renewLease(...args: Parameters<EnvironmentsStore['renewLease']>) {
    return this.inner.renewLease(...args);
  }

  completeJob(...args: Parameters<EnvironmentsStore['completeJob']>) {
    return this.inner.completeJob(...args);
  }

  failJob(...args: Parameters<EnvironmentsStore['failJob']>) {
    return this.inner.failJob(...args);
  }

  listJobs(environmentId: string) {
    return this.inner.listJobs(environmentId);
  }

  private async published(environment: Environment): Promise<Environment> {
    try {
      await this.publish({ environment: toApiEnvironment(environment) });
    } catch (error) {
      this.logger.warn('Failed to publish an environment change', {
        environment: environment.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    return environment;
  }
}
