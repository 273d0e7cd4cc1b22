import { Environment, EnvironmentsStore } from '../model';
import { EnvironmentChangePublisher } from './EnvironmentChangePublisher';

/**
 * A store that hands every change it makes to an environment, and every job
 * it queues, to the change publisher. Publishing never fails the change.
 */
export class PublishingEnvironmentsStore implements EnvironmentsStore {
  constructor(
    private readonly inner: EnvironmentsStore,
    private readonly publisher: EnvironmentChangePublisher,
  ) {}

  async createEnvironment(
    ...args: Parameters<EnvironmentsStore['createEnvironment']>
  ) {
    return this.published(await this.inner.createEnvironment(...args));
  }

  async decideApproval(
    ...args: Parameters<EnvironmentsStore['decideApproval']>
  ) {
    return this.published(await this.inner.decideApproval(...args));
  }

  async expireApprovals(
    ...args: Parameters<EnvironmentsStore['expireApprovals']>
  ) {
    const expired = await this.inner.expireApprovals(...args);
    for (const environment of expired) {
      await this.published(environment);
    }
    return expired;
  }

  listPendingApprovals() {
    return this.inner.listPendingApprovals();
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

  listAuditEvents(...args: Parameters<EnvironmentsStore['listAuditEvents']>) {
    return this.inner.listAuditEvents(...args);
  }

  listStatusTransitions(
    ...args: Parameters<EnvironmentsStore['listStatusTransitions']>
  ) {
    return this.inner.listStatusTransitions(...args);
  }

  async enqueueJob(...args: Parameters<EnvironmentsStore['enqueueJob']>) {
    const job = await this.inner.enqueueJob(...args);
    this.publisher.jobQueued();
    return job;
  }

  claimNextJob(...args: Parameters<EnvironmentsStore['claimNextJob']>) {
    return this.inner.claimNextJob(...args);
  }

  checkReconcileFence(
    ...args: Parameters<EnvironmentsStore['checkReconcileFence']>
  ) {
    return this.inner.checkReconcileFence(...args);
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
    await this.publisher.environmentChanged(environment);
    return environment;
  }
}
