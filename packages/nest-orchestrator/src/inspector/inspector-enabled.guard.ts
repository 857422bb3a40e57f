import { Inject, Injectable, NotFoundException, type CanActivate } from '@nestjs/common';
import { INSPECTOR_SETTINGS } from './inspector.constants.js';
import { messages } from './inspector.messages.js';
import type { InspectorSettings } from './interfaces/inspector-settings.interface.js';

/**
 * Answers 404 when a `forRootAsync` factory turned the inspector off: Nest maps the routes from
 * the module's definition, before any factory runs, so they exist either way.
 */
@Injectable()
export class InspectorEnabledGuard implements CanActivate {
  constructor(@Inject(INSPECTOR_SETTINGS) private readonly settings: InspectorSettings) {}

  canActivate(): boolean {
    if (!this.settings.enabled) throw new NotFoundException(messages.notFound);
    return true;
  }
}
