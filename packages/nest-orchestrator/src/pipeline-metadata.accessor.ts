import { Injectable, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  OBSERVER_METADATA,
  OPERATION_METADATA,
  PIPELINE_METADATA,
} from './orchestrator.constants.js';
import type {
  OperationMetadata,
  PipelineMetadata,
} from './interfaces/pipeline-options.interface.js';

/** The one place that reads the decorators' metadata back. */
@Injectable()
export class PipelineMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  getPipelineMetadata(target: Type<unknown>): PipelineMetadata | undefined {
    return this.reflector.get<PipelineMetadata | undefined>(PIPELINE_METADATA, target);
  }

  getOperationMetadata(method: (...args: never[]) => unknown): OperationMetadata | undefined {
    return this.reflector.get<OperationMetadata | undefined>(OPERATION_METADATA, method);
  }

  isObserver(target: Type<unknown>): boolean {
    return this.reflector.get<boolean | undefined>(OBSERVER_METADATA, target) === true;
  }
}
