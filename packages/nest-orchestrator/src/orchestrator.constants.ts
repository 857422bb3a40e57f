export const PIPELINE_METADATA = 'orchestrator:pipeline';
export const OPERATION_METADATA = 'orchestrator:operation';
export const OBSERVER_METADATA = 'orchestrator:observer';
