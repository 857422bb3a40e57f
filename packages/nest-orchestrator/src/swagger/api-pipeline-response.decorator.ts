import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { errorEnvelope, successEnvelope } from './pipeline-schemas.js';

export interface ApiPipelineResponseOptions {
  /** @defaultValue 200 */
  readonly status?: number;
  readonly description?: string;
}

/**
 * Documents a pipeline route's success: the envelope `sendPipelineResult` writes, with `model` as
 * its `data`. The route then declares only its own data model.
 *
 * @example
 * ```ts
 * @Post()
 * @ApiPipelineResponse(QuoteResponse, { status: 201 })
 * @ApiPipelineErrorResponse(422, 'Refused by validate')
 * create(@Body() body: CreateQuoteDto, @Res() response: Response) { ... }
 * ```
 */
export function ApiPipelineResponse(
  model: Type<unknown>,
  options: ApiPipelineResponseOptions = {},
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(model),
    ApiResponse({
      status: options.status ?? 200,
      description: options.description ?? 'Ran; `Server-Timing` has each step',
      schema: successEnvelope({ $ref: getSchemaPath(model) }),
    }),
  );
}

/** Documents a status a pipeline route answers with the error envelope (422, 409, 504...). */
export function ApiPipelineErrorResponse(
  status: number,
  description: string,
): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, schema: errorEnvelope });
}
