export { RequestEnvironmentPage } from './RequestEnvironmentPage';
export { EnvironmentRequestForm } from './EnvironmentRequestForm';
export type {
  ComponentOption,
  EnvironmentRequestFormProps,
} from './EnvironmentRequestForm';
