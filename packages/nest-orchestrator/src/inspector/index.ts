export { DEFAULT_INSPECTOR_PATH } from './inspector.constants.js';
export { InspectorObserver } from './inspector.observer.js';
export type { OrchestratorInspectorModuleOptions } from './interfaces/inspector-module-options.interface.js';
export type {
  InspectorSnapshot,
  LatencyFigures,
  OperationSnapshot,
  PeriodFigures,
  PipelineSnapshot,
  RecentOperation,
  RecentRun,
} from './interfaces/inspector-snapshot.interface.js';
export { OrchestratorInspectorModule } from './orchestrator-inspector.module.js';
