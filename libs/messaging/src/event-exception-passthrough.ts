// Nest's default RPC exception filter replaces every handler error with a generic
// `{ status: 'error', message: 'Internal server error' }`, which would hide the DomainError code
// and `retriable` flag the retry policy needs. Registered on the microservice that runs
// KafkaEventTransport (`microservice.useGlobalFilters(new EventExceptionPassthroughFilter())`,
// before its listeners are registered), this filter hands the original error to the transport.
import { Catch, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

@Catch()
export class EventExceptionPassthroughFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
