/**
 * The environments frontend plugin, for the new frontend system.
 *
 * @packageDocumentation
 */

export { environmentsPlugin as default } from './plugin';
export { environmentsApiRef } from './api';
