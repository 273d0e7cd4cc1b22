/**
 * idp, the platform's command line, runnable in-process (`main`) as well as
 * as the `idp` binary.
 *
 * @packageDocumentation
 */
export { main, buildProgram } from './main';
export type { CliIo, OutputStream } from './io';
export { EXIT } from './exitCodes';
