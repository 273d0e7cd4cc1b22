export { EnvironmentEvents } from './EnvironmentEvents';
