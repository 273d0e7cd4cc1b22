/**
 * Test utilities of the environments plugins: an in-memory environments API
 * for the tests of the modules and packages that call it.
 *
 * @packageDocumentation
 */

export { FakeEnvironmentsApi } from './FakeEnvironmentsApi';
export type {
  FakeEnvironmentsApiOptions,
  FakeEnvironmentStep,
} from './FakeEnvironmentsApi';
export { fakeEnvironmentTypes } from './fakeEnvironmentTypes';
