export { FakeSignalApi } from './FakeSignalApi';
export { anEnvironment, types } from './fixtures';
export { mockEnvironmentsApi, responseError } from './mockEnvironmentsApi';
