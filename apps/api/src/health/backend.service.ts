import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig, BackendInfo, startBackend } from '@facestyle/core';
import { APP_CONFIG } from '../infrastructure/tokens';

/**
 * The API runs inference (verify, embed, identify), so it starts a TF.js backend too. It is
 * started in the background: the API serves /health while it loads.
 */
@Injectable()
export class BackendService implements OnModuleInit {
  private readonly logger = new Logger('Backend');
  private active?: BackendInfo;
  private error?: string;
  private starting?: Promise<void>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    this.starting = this.start();
  }

  private async start(): Promise<void> {
    try {
      this.active = await startBackend(this.config.tfBackend, { wasmThreads: this.config.wasmThreads });
      this.logger.log(`TF.js backend: ${this.active.name} (${this.active.provider})`);
    } catch (err) {
      this.error = (err as Error).message;
      this.logger.error(`TF.js backend failed: ${this.error}`);
    }
  }

  async ready(): Promise<BackendInfo | undefined> {
    await this.starting;
    return this.active;
  }

  info(): BackendInfo | undefined {
    return this.active;
  }

  failure(): string | undefined {
    return this.error;
  }
}
