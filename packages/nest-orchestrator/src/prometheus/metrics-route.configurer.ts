import { SetMetadata, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import type { MetricsSettings } from './interfaces/metrics-settings.interface.js';

/**
 * Applies the path and public metadata to the scrape controller. Runs while providers are
 * created, which is before Nest maps routes, so `forRootAsync` options can set them too.
 */
export function configureMetricsRoute(
  controller: Type<unknown>,
  settings: MetricsSettings & { readonly path: string },
): string {
  Reflect.defineMetadata(PATH_METADATA, settings.path, controller);
  if (settings.publicMetadata !== undefined) {
    const { key, value } = settings.publicMetadata;
    // On the class and the handler, for guards that read only one of them.
    SetMetadata(key, value)(controller);
    const prototype = controller.prototype as object;
    const handler = Object.getOwnPropertyDescriptor(prototype, 'scrape');
    if (handler !== undefined) SetMetadata(key, value)(prototype, 'scrape', handler);
  }
  return settings.path;
}
