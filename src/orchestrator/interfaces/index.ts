export type * from './operation-run.interface.js';
export type * from './orchestrator-observer.interface.js';
export type * from './orchestrator-options.interface.js';
export type * from './pipeline-definition.interface.js';
export type * from './pipeline-options.interface.js';
export type * from './pipeline-result.interface.js';
