import { ForwardedError, InputError, NotFoundError } from '@backstage/errors';
import {
  CoreV1Api,
  CoreV1Event,
  KubeConfig,
  V1Pod,
} from '@kubernetes/client-node';
import http, { IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { makeApiClient } from './apiClients';

/** What the API server is asked for; see the core/v1 `PodLogOptions`. */
export type PodLogOptions = {
  container: string;
  follow?: boolean;
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  timestamps?: boolean;
};

function statusCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The `message` of a Kubernetes `Status` body, or the body itself. */
function statusMessage(body: string): string {
  try {
    const message = JSON.parse(body)?.message;
    if (typeof message === 'string') {
      return message;
    }
  } catch {
    // Not a Status object: the body is the message.
  }
  return body.trim();
}

/**
 * Reads what runs in an environment's namespace, for the portal: pods,
 * events and container logs. It only reads; the orchestrator's namespace role
 * grants get, list and watch on pods, pods/log and events.
 */
export class KubernetesObserver {
  static create(options: { kubeConfig: KubeConfig }): KubernetesObserver {
    return new KubernetesObserver(options.kubeConfig);
  }

  private readonly core: CoreV1Api;

  private constructor(private readonly kubeConfig: KubeConfig) {
    this.core = makeApiClient(kubeConfig, CoreV1Api);
  }

  async listPods(namespace: string, labelSelector: string): Promise<V1Pod[]> {
    try {
      const { items } = await this.core.listNamespacedPod({
        namespace,
        labelSelector,
      });
      return items;
    } catch (error) {
      throw new ForwardedError(
        `Failed to list the pods in namespace ${namespace}`,
        error,
      );
    }
  }

  /** The pod, or undefined when there is no pod of that name. */
  async readPod(namespace: string, name: string): Promise<V1Pod | undefined> {
    try {
      return await this.core.readNamespacedPod({ namespace, name });
    } catch (error) {
      if (statusCode(error) === 404) {
        return undefined;
      }
      throw new ForwardedError(
        `Failed to read pod ${name} in namespace ${namespace}`,
        error,
      );
    }
  }

  async listEvents(namespace: string): Promise<CoreV1Event[]> {
    try {
      const { items } = await this.core.listNamespacedEvent({ namespace });
      return items;
    } catch (error) {
      throw new ForwardedError(
        `Failed to list the events in namespace ${namespace}`,
        error,
      );
    }
  }

  /**
   * Opens the log of a container as a stream of text lines, straight from
   * the API server's `pods/log` endpoint; with `follow` it stays open and
   * brings new lines as they are written, until `signal` aborts it.
   *
   * A raw request rather than the client's `Log` class: that one drops the
   * API server's error message, and the message is what tells a developer
   * why there are no logs (for example, no previous container).
   */
  async openLog(
    namespace: string,
    pod: string,
    options: PodLogOptions,
    signal: AbortSignal,
  ): Promise<Readable> {
    const server = this.kubeConfig.getCurrentCluster()?.server;
    if (!server) {
      throw new Error('The kubeconfig has no current cluster');
    }
    const url = new URL(
      `${server.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(
        namespace,
      )}/pods/${encodeURIComponent(pod)}/log`,
    );
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined) {
        url.searchParams.set(key, String(value));
      }
    }
    const requestOptions: https.RequestOptions = { method: 'GET', signal };
    await this.kubeConfig.applyToHTTPSOptions(requestOptions);

    const what = `container ${options.container} of pod ${pod} in namespace ${namespace}`;
    let response: IncomingMessage;
    try {
      response = await new Promise<IncomingMessage>((resolve, reject) => {
        const request = (url.protocol === 'https:' ? https : http).request(
          url,
          requestOptions,
          resolve,
        );
        request.on('error', reject);
        request.end();
      });
    } catch (error) {
      throw new ForwardedError(`Failed to read the logs of ${what}`, error);
    }
    if (response.statusCode === 200) {
      return response;
    }
    const message = statusMessage(await text(response).catch(() => ''));
    switch (response.statusCode) {
      case 400:
        // For example: no previous container, or the container has not started.
        throw new InputError(`No logs for ${what}: ${message}`);
      case 404:
        throw new NotFoundError(`No logs for ${what}: ${message}`);
      default:
        throw new ForwardedError(
          `Failed to read the logs of ${what}`,
          new Error(`Kubernetes answered ${response.statusCode}: ${message}`),
        );
    }
  }
}
