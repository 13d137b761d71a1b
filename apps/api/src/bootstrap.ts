import 'reflect-metadata';
import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { AppConfig } from '@facestyle/core';
import { AppModule } from './app.module';
import { errorBody } from './common/http-error.filter';

/** Body-parser errors happen before Nest's filters; answer them in the same error shape. */
function jsonBodyParser(limitBytes: number) {
  const parse = express.json({ limit: limitBytes, strict: true });
  return (request: Request, response: Response, next: NextFunction) =>
    parse(request, response, (err?: unknown) => {
      if (!err) return next();
      const e = err as { type?: string; status?: number; message?: string };
      if (e.type === 'entity.too.large') {
        response.status(413).json(errorBody(413, `body: larger than the ${limitBytes}-byte limit`));
      } else {
        response.status(e.status && e.status < 500 ? e.status : 400).json(errorBody(400, `body: invalid JSON (${e.message})`));
      }
    });
}

/** Builds the HTTP app (not yet listening); shared by `main.ts` and the tests. */
export async function createApiApp(config: AppConfig, options: { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: options.logger === false ? false : ['log', 'warn', 'error'],
  });
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(jsonBodyParser(config.jsonBodyLimitBytes));
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Facestyle API')
      .setDescription('Triplet-loss face-embedding training runs and neural style-transfer renders, queued.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

export async function startApi(config: AppConfig): Promise<INestApplication> {
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
  new Logger('Api').log(`listening on http://${config.host}:${config.port} (docs at /docs)`);
  return app;
}
