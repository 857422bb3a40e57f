import { Injectable, SetMetadata, applyDecorators } from '@nestjs/common';
import { OBSERVER_METADATA } from '../orchestrator.constants.js';

/**
 * Marks a provider implementing `OrchestratorObserver` so every run reports to it.
 * The class is also made injectable: list it in a module's `providers`.
 */
export function PipelineObserver(): ClassDecorator {
  return applyDecorators(Injectable(), SetMetadata(OBSERVER_METADATA, true));
}
