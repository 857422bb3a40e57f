import { Validator } from '@seriousme/openapi-schema-validator';
import { bootTestApp, type TestApp } from './support/test-app.js';

interface SchemaObject {
  type?: string;
  $ref?: string;
  example?: unknown;
  items?: SchemaObject;
  allOf?: SchemaObject[];
  properties?: Record<string, SchemaObject>;
}

/** Properties with neither an example nor a reference to a schema that has its own. */
function propertiesWithoutExample(schemas: Record<string, SchemaObject>): string[] {
  const missing: string[] = [];
  for (const [name, schema] of Object.entries(schemas)) {
    for (const [property, definition] of Object.entries(schema.properties ?? {})) {
      const nested = definition.$ref ?? definition.items?.$ref ?? definition.allOf?.[0]?.$ref;
      if (nested === undefined && definition.example === undefined)
        missing.push(`${name}.${property}`);
    }
  }
  return missing;
}

describe('OpenAPI document', () => {
  let app: TestApp;
  let document: {
    openapi: string;
    paths: Record<string, Record<string, { security?: unknown[]; responses: object }>>;
    components: { schemas: Record<string, SchemaObject> };
  };

  beforeAll(async () => {
    app = await bootTestApp();
    document = (await app.request('GET', '/documentation/json')).body;
  });
  afterAll(() => app.close());

  it('passes a strict OpenAPI schema validator', async () => {
    const result = await new Validator().validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('gives every DTO property an example, so "Try it out" works as is', () => {
    expect(propertiesWithoutExample(document.components.schemas)).toEqual([]);
  });

  it('declares bearer security on protected routes and none on public ones', () => {
    const open = ['/auth/register', '/auth/login', '/health'];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const expected = open.includes(path) ? [{}] : [{ bearer: [] }];
        expect({
          route: `${method} ${path}`,
          security: operation.security ?? [{ bearer: [] }],
        }).toEqual({
          route: `${method} ${path}`,
          security: expected,
        });
      }
    }
  });
});
