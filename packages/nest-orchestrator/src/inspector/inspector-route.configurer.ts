import { SetMetadata, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { INSPECTOR_HANDLERS } from './inspector.controller.js';
import type { InspectorSettings } from './interfaces/inspector-settings.interface.js';

/**
 * Applies the path and public metadata to the inspector's controller, as `configureMetricsRoute`
 * does for `/metrics`. Runs while providers are created, before Nest maps routes, so
 * `forRootAsync` options can set them too.
 */
export function configureInspectorRoutes(
  controller: Type<unknown>,
  settings: InspectorSettings,
): string {
  Reflect.defineMetadata(PATH_METADATA, settings.path, controller);
  if (settings.publicMetadata !== undefined) {
    const { key, value } = settings.publicMetadata;
    // On the class and each handler, for guards that read only one of them.
    SetMetadata(key, value)(controller);
    const prototype = controller.prototype as object;
    for (const name of INSPECTOR_HANDLERS) {
      const handler = Object.getOwnPropertyDescriptor(prototype, name);
      if (handler !== undefined) SetMetadata(key, value)(prototype, name, handler);
    }
  }
  return settings.path;
}
