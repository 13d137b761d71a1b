import { BadRequestException, PipeTransform } from '@nestjs/common';
import { ZodTypeAny, z } from 'zod';
import { formatZodError } from './zod-error-format';

/** Validates a body or query against a contract schema; the 400 names each offending field. */
export class ZodValidationPipe<S extends ZodTypeAny> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S, private readonly root: 'body' | 'query' | 'options' = 'body') {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? {});
    if (!result.success) throw new BadRequestException(formatZodError(result.error, this.root));
    return result.data;
  }
}
