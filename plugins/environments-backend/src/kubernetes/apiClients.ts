import {
  ApiConstructor,
  ApiType,
  Configuration,
  createConfiguration,
  IsomorphicFetchHttpLibrary,
  KubeConfig,
  KubernetesObjectApi,
  RequestContext,
  ServerConfiguration,
  wrapHttpLibrary,
} from '@kubernetes/client-node';

/** How long one request to the API server may take; watches have their own watchdog. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** An API server that did not answer in time: retried like any other failure. */
export class KubernetesTimeoutError extends Error {
  constructor(method: string, url: string, timeoutMs: number) {
    super(
      `The Kubernetes API did not answer ${method} ${
        new URL(url).pathname
      } within ${timeoutMs / 1000} s`,
    );
    this.name = 'KubernetesTimeoutError';
  }
}

/**
 * The client library's HTTP transport, with each request aborted once
 * `timeoutMs` has passed (body included): a paused or unreachable API server
 * fails the call instead of holding a job, and its lease, for good.
 */
export function timeoutHttpLibrary(timeoutMs: number) {
  const transport = new IsomorphicFetchHttpLibrary();
  return wrapHttpLibrary({
    async send(request: RequestContext) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const callerSignal = request.getSignal();
      request.setSignal(
        callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout,
      );
      try {
        const response = await transport.send(request).toPromise();
        // Read the body within the same deadline, then hand it on as read.
        const body = await response.body.text();
        return Object.assign(response, {
          body: {
            text: async () => body,
            binary: async () => Buffer.from(body),
          },
        });
      } catch (error) {
        if (timeout.aborted && !callerSignal?.aborted) {
          throw new KubernetesTimeoutError(
            request.getHttpMethod(),
            request.getUrl(),
            timeoutMs,
          );
        }
        throw error;
      }
    },
  });
}

/** `kubeConfig.makeApiClient`, with a timeout on every request. */
export function makeApiClient<T extends ApiType>(
  kubeConfig: KubeConfig,
  ApiClient: ApiConstructor<T>,
  timeoutMs: number = DEFAULT_REQUEST_TIMEOUT_MS,
): T {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    throw new Error('No active cluster in the kubeconfig');
  }
  return new ApiClient(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kubeConfig },
      httpApi: timeoutHttpLibrary(timeoutMs),
    }),
  );
}

/** `KubernetesObjectApi.makeApiClient`, with a timeout on every request. */
export function makeObjectApiClient(
  kubeConfig: KubeConfig,
  timeoutMs: number = DEFAULT_REQUEST_TIMEOUT_MS,
): KubernetesObjectApi {
  // Like `KubernetesObjectApi.makeApiClient`: the context's namespace is the default.
  class ObjectApi extends KubernetesObjectApi {
    constructor(configuration: Configuration) {
      super(configuration);
      this.setDefaultNamespace(kubeConfig);
    }
  }
  return makeApiClient(kubeConfig, ObjectApi, timeoutMs);
}
