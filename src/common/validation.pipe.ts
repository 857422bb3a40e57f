import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

export interface FieldErrors extends Record<string, unknown> {
  /** Dotted path of the field, e.g. `items.0.quantity`. */
  field: string;
  errors: string[];
}

function flatten(errors: ValidationError[], parent = ''): FieldErrors[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, errors: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Whitelisting, refusing unknown fields, and a 400 whose message lists every problem:
 * `{ code: 'VALIDATION_FAILED', message, details: [{ field, errors }] }`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const problems = details.flatMap((detail) => detail.errors);
      return new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: `Invalid request: ${problems.join('; ')}`,
        details,
      });
    },
  });
}
