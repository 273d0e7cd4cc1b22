/**
 * A catalog module that reports the platform's environments into the
 * software catalog as Resource entities of type `environment`.
 *
 * @packageDocumentation
 */

export { catalogModuleEnvironments as default } from './module';
