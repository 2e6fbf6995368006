import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { connectMongo } from './mongo-connection';

/** Injection token for the service's own mongoose connection. */
export const MONGO_CONNECTION = Symbol('MONGO_CONNECTION');

@Injectable()
class MongoConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(MONGO_CONNECTION) private readonly connection: Connection) {}

  /** Runs after consumers and relays have stopped (they close in beforeApplicationShutdown). */
  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

/** Connects once at boot (failing the boot when the database is unreachable) and closes on shutdown. */
@Module({})
export class MongoModule {
  static forRoot(opts: { url: string }): DynamicModule {
    return {
      module: MongoModule,
      global: true,
      providers: [
        { provide: MONGO_CONNECTION, useFactory: () => connectMongo(opts.url) },
        MongoConnectionCloser,
      ],
      exports: [MONGO_CONNECTION],
    };
  }

  /** Same, with the URL taken from an injected config (e.g. the service kit's SERVICE_CONFIG). */
  static forRootAsync(opts: {
    inject: Array<string | symbol>;
    useUrl: (...deps: never[]) => string;
  }): DynamicModule {
    return {
      module: MongoModule,
      global: true,
      providers: [
        {
          provide: MONGO_CONNECTION,
          inject: opts.inject,
          useFactory: (...deps: never[]) => connectMongo(opts.useUrl(...deps)),
        },
        MongoConnectionCloser,
      ],
      exports: [MONGO_CONNECTION],
    };
  }
}
