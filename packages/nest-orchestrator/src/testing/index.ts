export {
  createPipelineTestingModule,
  type PipelineTestingApp,
  type PipelineTestingOptions,
} from './pipeline-testing-module.js';
export { runOperation } from './run-operation.js';
