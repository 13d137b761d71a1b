import { describe, expect, it } from 'vitest';
import { SseParser } from '../../apps/cli/src/api/sse-parser';

describe('SSE parser', () => {
  it('parses events split across chunks at any point, ignoring comments', () => {
    const stream = 'id: 1\nevent: snapshot\ndata: {"a":1}\n\n: keep-alive\n\nid: 2\nevent: update\ndata: {"b":\ndata: 2}\n\n';
    for (const size of [1, 2, 5, 13, stream.length]) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < stream.length; i += size) events.push(...parser.push(stream.slice(i, i + size)));
      expect(events).toEqual([
        { event: 'snapshot', data: '{"a":1}', id: '1' },
        { event: 'update', data: '{"b":\n2}', id: '2' },
      ]);
    }
  });

  it('accepts CRLF and CR line ends, a missing space after the colon, and defaults the type to message', () => {
    const parser = new SseParser();
    // A chunk that ends in \r may be half of a \r\n: that line waits for the next chunk.
    const events = [...parser.push('data:x\r\n\r'), ...parser.push('\nevent: end\rdata: y\r\r'), ...parser.push(': next\n')];
    expect(events).toEqual([
      { event: 'message', data: 'x' },
      { event: 'end', data: 'y' },
    ]);
  });

  it('does not dispatch an event without data, nor an unfinished one', () => {
    const parser = new SseParser();
    expect(parser.push('event: ping\n\n')).toEqual([]);
    expect(parser.push('event: update\ndata: {}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'update', data: '{}' }]);
  });
});
