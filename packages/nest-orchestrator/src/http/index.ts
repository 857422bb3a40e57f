export {
  pipelineBody,
  sendPipelineResult,
  serverTiming,
  statusFor,
  type PipelineErrorBody,
  type PipelineSuccessBody,
} from './pipeline-response.js';
export { requestSignal } from './request-signal.js';
