import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JobQueues } from '@facestyle/infra';
import { JOB_QUEUES } from '../infrastructure/tokens';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/queues')
export class QueuesController {
  constructor(@Inject(JOB_QUEUES) private readonly queues: JobQueues) {}

  @Get()
  @ApiOperation({ summary: 'Job counts per queue and state' })
  async counts(): Promise<{ queues: Record<string, Record<string, number>> }> {
    return { queues: await this.queues.counts() };
  }
}
