import { DomainError } from '@sp/errors';

/** Stable codes of Notify failures. Retriable ones are worth a later attempt; the rest are not. */
export const NotifyErrorCodes = {
  /** 429: Notify's per-minute rate limit or the service's daily limit. */
  RATE_LIMITED: 'NOTIFY.RATE_LIMITED',
  /** 5xx, a timeout or no connection: Notify did not take the message. */
  UNAVAILABLE: 'NOTIFY.UNAVAILABLE',
  /** 400: Notify refused the message itself (bad number or address, template, personalisation). */
  REJECTED: 'NOTIFY.REJECTED',
  /** 401/403: our key or clock is wrong; retrying cannot help until someone fixes the config. */
  AUTH_FAILED: 'NOTIFY.AUTH_FAILED',
  /** No Notify template id configured for one of our template names (NOTIFY_TEMPLATES). */
  TEMPLATE_UNKNOWN: 'NOTIFY.TEMPLATE_UNKNOWN',
} as const;

export type NotifyErrorCode = (typeof NotifyErrorCodes)[keyof typeof NotifyErrorCodes];

/** One entry of Notify's error body: `{status_code, errors: [{error, message}]}`. */
export interface NotifyApiError {
  error: string;
  message: string;
}

/** What the adapter saw when a call failed: an HTTP answer, or none (network error, timeout). */
export type NotifyFailure =
  { kind: 'http'; status: number; errors: NotifyApiError[] } | { kind: 'network'; code: string };

/** A failed Notify call with a stable code; `retriable` tells a job whether to try again. */
export class NotifyError extends DomainError {
  readonly notifyStatus?: number;
  readonly notifyErrors: NotifyApiError[];

  constructor(
    code: NotifyErrorCode,
    message: string,
    opts: { retriable: boolean; status?: number; errors?: NotifyApiError[] },
  ) {
    super(code, message, { retriable: opts.retriable, status: 502 });
    this.notifyStatus = opts.status;
    this.notifyErrors = opts.errors ?? [];
  }
}

/**
 * Maps a failed call to a domain error. Notify's messages may echo the recipient's number or
 * address ("phone_number ... "), so only the error types and the status go into the message:
 * it is logged and stored as a failure reason.
 */
export function notifyErrorFrom(failure: NotifyFailure): NotifyError {
  if (failure.kind === 'network') {
    return new NotifyError(NotifyErrorCodes.UNAVAILABLE, `Notify unreachable (${failure.code})`, {
      retriable: true,
    });
  }
  const { status, errors } = failure;
  const types = [...new Set(errors.map((e) => e.error))].join(', ') || 'no error body';
  const summary = `Notify answered ${status} (${types})`;
  if (status === 429)
    return new NotifyError(NotifyErrorCodes.RATE_LIMITED, summary, { retriable: true, status, errors });
  if (status >= 500 || status === 408) {
    return new NotifyError(NotifyErrorCodes.UNAVAILABLE, summary, { retriable: true, status, errors });
  }
  if (status === 401 || status === 403) {
    return new NotifyError(NotifyErrorCodes.AUTH_FAILED, summary, { retriable: false, status, errors });
  }
  return new NotifyError(NotifyErrorCodes.REJECTED, summary, { retriable: false, status, errors });
}

export function isNotifyError(error: unknown): error is NotifyError {
  return error instanceof NotifyError;
}
