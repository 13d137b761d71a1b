import { ZodTypeAny } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';

/** OpenAPI schema of a contract schema, so the docs cannot drift from validation. */
export function jsonSchemaOf(schema: ZodTypeAny): Record<string, unknown> {
  // The converter's declared parameter type is deeper than tsc will instantiate for zod 3.25.
  const convert = zodToJsonSchema as unknown as (s: unknown, o: object) => Record<string, unknown>;
  const { $schema: _ignored, ...rest } = convert(schema, { target: 'openApi3', $refStrategy: 'none' });
  return rest;
}
