import { Module, type DynamicModule, type FactoryProvider, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TokenVerifier, type TokenVerifierOptions } from '../token-verifier';
import { AuthGuard } from './auth.guard';

export type IdentityModuleOptions = TokenVerifierOptions;

export interface IdentityModuleAsyncOptions {
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => IdentityModuleOptions | Promise<IdentityModuleOptions>;
}

/**
 * Authentication for a service: provides the TokenVerifier and installs AuthGuard globally, so a
 * route is protected unless it says @Public().
 */
@Module({})
export class IdentityModule {
  static forRoot(opts: IdentityModuleOptions): DynamicModule {
    return IdentityModule.build({ provide: TokenVerifier, useValue: new TokenVerifier(opts) });
  }

  /** For options that come from other providers (e.g. the service config). */
  static forRootAsync(opts: IdentityModuleAsyncOptions): DynamicModule {
    return IdentityModule.build({
      provide: TokenVerifier,
      inject: opts.inject ?? [],
      useFactory: async (...args: never[]) => new TokenVerifier(await opts.useFactory(...args)),
    });
  }

  private static build(verifier: Provider): DynamicModule {
    return {
      module: IdentityModule,
      global: true,
      providers: [verifier, { provide: APP_GUARD, useClass: AuthGuard }],
      exports: [TokenVerifier],
    };
  }
}
