export { FakeSignalApi } from './FakeSignalApi';
export { anEnvironment, types } from './fixtures';
