import type { Request, Response } from 'express';
import { ResourceKind, ResourceRecord, ResourceRecordStore } from '@facestyle/infra';
import { isTerminal } from '@facestyle/core';
import { EventStreamService } from './event-stream.service';

/**
 * Streams a resource's changes as Server-Sent Events: first a `snapshot` of the record, then one
 * event per change (`update`, `history`, `cancel-requested`); the stream ends after the job ends.
 * A comment line every 15 s keeps proxies from closing an idle stream.
 */
export async function streamResourceEvents(args: {
  request: Request;
  response: Response;
  records: ResourceRecordStore;
  events: EventStreamService;
  kind: ResourceKind;
  record: ResourceRecord;
  view: (record: ResourceRecord) => unknown;
}): Promise<void> {
  const { request, response, records, events, kind, record } = args;
  response.status(200);
  response.setHeader('Content-Type', 'text/event-stream');
  response.setHeader('Cache-Control', 'no-cache, no-transform');
  response.setHeader('Connection', 'keep-alive');
  response.setHeader('X-Accel-Buffering', 'no');
  response.flushHeaders();
  let eventId = 0;
  const send = (type: string, data: unknown) => response.write(`id: ${++eventId}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    await unsubscribe();
    response.end();
  };
  const unsubscribe = await events.subscribe(records.eventChannel(kind, record.id), (message) => {
    const event = JSON.parse(message) as { type: string; status?: string };
    send(event.type, event);
    if (event.type === 'update' && event.status && event.status !== 'ready' && isTerminal(event.status as never)) {
      void records.get(kind, record.id).then((latest) => {
        if (latest) send('end', args.view(latest));
        return close();
      });
    }
  });
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
  request.on('close', () => void close());
  // Snapshot after subscribing, so no change between the two is missed.
  const latest = (await records.get(kind, record.id)) ?? record;
  send('snapshot', args.view(latest));
  if (latest.status !== 'ready' && isTerminal(latest.status as never)) await close();
}
