import {
  rootHttpRouterServiceFactory,
  RootHttpRouterConfigureContext,
} from '@backstage/backend-defaults/rootHttpRouter';

type JsonObject = { [key: string]: unknown };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The serialized error without its stack, nor the stacks of its causes. */
function withoutStacks(error: JsonObject, depth = 0): JsonObject {
  const { stack: _stack, cause, ...rest } = error;
  if (cause === undefined) {
    return rest;
  }
  return {
    ...rest,
    cause:
      isObject(cause) && depth < 10 ? withoutStacks(cause, depth + 1) : cause,
  };
}

/**
 * Takes `stack` out of every error response body (`{ error: { ... } }`, as
 * Backstage's error handlers write it), whatever `NODE_ENV` says: in
 * development they include the stack, and a client has no use for where in
 * the backend's code a request failed. The logs keep it.
 */
export const hideStackTraces: RootHttpRouterConfigureContext['routes'] = (
  _req,
  res,
  next,
) => {
  const json = res.json.bind(res);
  res.json = body =>
    json(
      res.statusCode >= 400 && isObject(body) && isObject(body.error)
        ? { ...body, error: withoutStacks(body.error) }
        : body,
    );
  next();
};

/**
 * Backstage's root HTTP router with its defaults, every error response
 * without stack traces: the handlers of the plugins' routers and of the
 * credentials barrier in front of them write through it.
 */
export const rootHttpRouterWithoutStackTraces = rootHttpRouterServiceFactory({
  configure({ app, applyDefaults }) {
    app.use(hideStackTraces);
    applyDefaults();
  },
});
