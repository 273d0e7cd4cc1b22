export { PodLogs } from './PodLogs';
