import { SetMetadata, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import type { MetricsPublicMetadata } from './interfaces/metrics-auth-options.interface.js';

/**
 * Applies the path and public metadata to a controller generated per `forRoot()` (the scrape
 * route, the inspector's pages). Runs while providers are created, which is before Nest maps
 * routes, so `forRootAsync` options can set them too. Returns the path.
 */
export function configureControllerRoute(
  controller: Type<unknown>,
  path: string,
  publicMetadata: MetricsPublicMetadata | undefined,
  handlers: readonly string[],
): string {
  Reflect.defineMetadata(PATH_METADATA, path, controller);
  if (publicMetadata !== undefined) {
    const { key, value } = publicMetadata;
    // On the class and each handler, for guards that read only one of them.
    SetMetadata(key, value)(controller);
    const prototype = controller.prototype as object;
    for (const name of handlers) {
      const handler = Object.getOwnPropertyDescriptor(prototype, name);
      if (handler !== undefined) SetMetadata(key, value)(prototype, name, handler);
    }
  }
  return path;
}
