import { resolveInspectorSettings } from './inspector.settings.js';

describe('resolveInspectorSettings', () => {
  it('applies the defaults', () => {
    expect(resolveInspectorSettings({ enabled: true }, 'development')).toEqual({
      enabled: true,
      path: '/orchestrator',
      recentRuns: 20,
      windowMs: 300_000,
      refreshMs: 2_000,
      auth: undefined,
      publicMetadata: undefined,
    });
  });

  it('refuses production without an explicit opt-in, and says how to give it', () => {
    expect(() => resolveInspectorSettings({ enabled: true }, 'production')).toThrow(
      'production needs `allowInProduction: true`',
    );
    expect(
      resolveInspectorSettings({ enabled: true, allowInProduction: true }, 'production').enabled,
    ).toBe(true);
    expect(resolveInspectorSettings({ enabled: false }, 'production').enabled).toBe(false);
  });

  it.each([
    [{ enabled: 'yes' }, 'needs `enabled: true` or `enabled: false`'],
    [{ enabled: true, path: 'orchestrator' }, 'path must be a string starting with "/"'],
    [{ enabled: true, path: '/orchestrator/' }, 'not ending with one'],
    [{ enabled: true, recentRuns: 0 }, 'recentRuns must be an integer from 1 to 1000, got 0'],
    [{ enabled: true, recentRuns: 2.5 }, 'recentRuns must be an integer'],
    [{ enabled: true, windowMs: 1_000 }, 'windowMs must be an integer from 10000 to 3600000'],
    [{ enabled: true, refreshMs: 100 }, 'refreshMs must be an integer from 250 to 60000'],
    [
      { enabled: true, auth: { type: 'bearer', token: '' } },
      'OrchestratorInspectorModule auth of type "bearer" needs a non-empty token',
    ],
    [
      { enabled: true, auth: { type: 'digest' } },
      'OrchestratorInspectorModule auth.type must be "bearer" or "basic"',
    ],
  ])('refuses %j', (options, message) => {
    expect(() => resolveInspectorSettings(options as never, 'development')).toThrow(message);
  });
});
