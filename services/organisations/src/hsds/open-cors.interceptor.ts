import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';

/**
 * Open Referral UK's compliance rules: every response of the public read API carries
 * `Access-Control-Allow-Origin: *`, so browser applications on any site can read the directory.
 * Set before the handler runs, so error answers (400, 404) carry it too. Only the public `/hsds`
 * API uses it: the management API stays closed to other origins.
 */
@Injectable()
export class OpenCorsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    context
      .switchToHttp()
      .getResponse<{ setHeader(name: string, value: string): void }>()
      .setHeader('Access-Control-Allow-Origin', '*');
    return next.handle();
  }
}
