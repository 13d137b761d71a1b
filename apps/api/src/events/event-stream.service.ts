import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../infrastructure/tokens';

type Listener = (message: string) => void;

/**
 * One Redis subscriber connection for all Server-Sent-Event clients of this API process; each
 * channel is subscribed while at least one client listens to it.
 */
@Injectable()
export class EventStreamService implements OnModuleDestroy {
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  private connection(): Redis {
    if (!this.subscriber) {
      // Subscriptions are restored by ioredis after a reconnect (autoResubscribe).
      this.subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
      this.subscriber.on('error', () => undefined);
      this.subscriber.on('message', (channel: string, message: string) => {
        for (const listener of this.listeners.get(channel) ?? []) listener(message);
      });
    }
    return this.subscriber;
  }

  async subscribe(channel: string, listener: Listener): Promise<() => Promise<void>> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.connection().subscribe(channel);
    }
    set.add(listener);
    return async () => {
      const current = this.listeners.get(channel);
      current?.delete(listener);
      if (current && current.size === 0) {
        this.listeners.delete(channel);
        await this.connection().unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  onModuleDestroy(): void {
    this.subscriber?.disconnect();
  }
}
