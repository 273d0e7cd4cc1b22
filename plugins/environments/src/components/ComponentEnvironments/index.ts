export { ComponentEnvironmentsContent } from './ComponentEnvironmentsContent';
