export { EnvironmentEntityCard } from './EnvironmentEntityCard';
