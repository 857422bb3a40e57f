export type * from './metrics-module-options.interface.js';
export type * from './metrics-settings.interface.js';
