import { DomainError } from '@sp/errors';

export const OpsErrorCodes = {
  QUEUE_NOT_FOUND: 'OPS.QUEUE_NOT_FOUND',
  JOB_NOT_FOUND: 'OPS.JOB_NOT_FOUND',
  JOB_NOT_FAILED: 'OPS.JOB_NOT_FAILED',
} as const;

export const queueNotFound = (name: string): DomainError =>
  new DomainError(OpsErrorCodes.QUEUE_NOT_FOUND, `No queue named ${name} (GET /v1/ops/queues lists them)`, {
    status: 404,
    problems: [{ field: 'name', code: 'not_found', message: `${name} is not a queue of the platform` }],
  });

export const jobNotFound = (queue: string, id: string): DomainError =>
  new DomainError(OpsErrorCodes.JOB_NOT_FOUND, `No job ${id} in queue ${queue}`, {
    status: 404,
    problems: [{ field: 'id', code: 'not_found', message: `${id} is not a job of ${queue}` }],
  });

export const jobNotFailed = (queue: string, id: string, state: string): DomainError =>
  new DomainError(
    OpsErrorCodes.JOB_NOT_FAILED,
    `Job ${id} of ${queue} is ${state}, not failed: nothing to retry`,
    {
      status: 409,
      problems: [{ field: 'id', code: 'not_failed', message: `the job is ${state}` }],
    },
  );
