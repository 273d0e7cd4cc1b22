/**
 * A module of the environments backend that provisions PostgreSQL resources:
 * a StatefulSet, a headless Service and a Secret with the connection.
 *
 * @packageDocumentation
 */

export { environmentsModulePostgresql as default } from './module';
export { postgresqlResourceDriver } from './postgresqlDriver';
