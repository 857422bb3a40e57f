import type { ConfigService } from '@nestjs/config';
import type { AppEnv, NodeEnv } from './env.validation.js';
import { INSPECTOR_PATH, inspectorOptions } from './inspector.options.js';

const configWith = (nodeEnv: NodeEnv) =>
  ({
    get: (name: string) => (name === 'NODE_ENV' ? nodeEnv : undefined),
  }) as unknown as ConfigService<AppEnv, true>;

describe('inspectorOptions', () => {
  it('turns the pipelines page on in development only', () => {
    expect(inspectorOptions(configWith('development')).enabled).toBe(true);
    expect(inspectorOptions(configWith('test')).enabled).toBe(false);
    expect(inspectorOptions(configWith('production')).enabled).toBe(false);
  });

  it('serves it at /orchestrator, public to the JWT guard as a browser cannot send a token', () => {
    expect(inspectorOptions(configWith('development'))).toMatchObject({
      path: INSPECTOR_PATH,
      publicMetadata: { key: 'auth:isPublic', value: true },
    });
    expect(INSPECTOR_PATH).toBe('/orchestrator');
  });
});
