import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import { IS_PUBLIC_KEY } from './auth.constants.js';

/**
 * Opens a route or controller to requests without a bearer token. In the OpenAPI document the
 * empty security requirement overrides the global bearer one, so the UI sends no token.
 */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC_KEY, true), ApiSecurity({}));
