export {
  ApiPipelineErrorResponse,
  ApiPipelineResponse,
  type ApiPipelineResponseOptions,
} from './api-pipeline-response.decorator.js';
