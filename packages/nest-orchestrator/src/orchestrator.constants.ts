export const PIPELINE_METADATA = 'orchestrator:pipeline';
export const OPERATION_METADATA = 'orchestrator:operation';
export const OBSERVER_METADATA = 'orchestrator:observer';

/** Injection token of the module's `RunStore`; inject it to share the store the runs use. */
export const RUN_STORE = 'nest-orchestrator:RunStore';
