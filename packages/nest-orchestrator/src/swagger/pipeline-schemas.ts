import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

// The envelope `sendPipelineResult` writes, as OpenAPI schemas; every property has an example so
// "Try it out" and strict document validators are satisfied.

const duration: SchemaObject = { type: 'number', example: 3.512, description: 'Whole run in ms' };

const metrics: SchemaObject = {
  type: 'object',
  additionalProperties: { type: 'number' },
  example: { validate: 0.041, create: 2.918, notify: 0.377 },
  description: 'ms per operation that ran',
};

const nonCriticalFailure: SchemaObject = {
  type: 'object',
  required: ['operation', 'code', 'message'],
  properties: {
    operation: { type: 'string', example: 'notify' },
    code: { type: 'string', example: 'TIMEOUT' },
    message: { type: 'string', example: 'Operation "notify" timed out after 200 ms.' },
  },
};

export function successEnvelope(data: SchemaObject | ReferenceObject): SchemaObject {
  return {
    type: 'object',
    required: ['success', 'data', 'duration', 'metrics'],
    properties: {
      success: { type: 'boolean', example: true },
      data,
      duration,
      metrics,
      errors: {
        type: 'array',
        items: nonCriticalFailure,
        description: 'Non-critical failures the run survived',
      },
    },
  };
}

export const errorEnvelope: SchemaObject = {
  type: 'object',
  required: ['success', 'error', 'duration', 'metrics'],
  properties: {
    success: { type: 'boolean', example: false },
    error: {
      type: 'object',
      required: ['code', 'message', 'operation'],
      properties: {
        code: { type: 'string', example: 'VALIDATION' },
        message: { type: 'string', example: 'amountCents must be positive' },
        operation: { type: 'string', example: 'validate' },
        details: { type: 'object', example: { field: 'amountCents' } },
      },
    },
    duration: { ...duration, example: 0.08 },
    metrics: { ...metrics, example: { validate: 0.05 } },
    compensation: {
      type: 'object',
      additionalProperties: { type: 'string', enum: ['done', 'failed'] },
      example: { reserve: 'done' },
      description: 'What was undone after the failure, when the pipeline declares compensations',
    },
  },
};
