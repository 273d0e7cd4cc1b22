export * from './config';
export * from './deployment';
export * from './diff';
export * from './promotion';
