/**
 * A module of the environments backend that provisions Redis resources: a
 * StatefulSet running `redis`, a headless Service and a Secret with the
 * connection.
 *
 * @packageDocumentation
 */

export { environmentsModuleRedis as default } from './module';
export { redisResourceDriver } from './redisDriver';
