import type { LoggerService, LogLevel } from '@nestjs/common';
import type pino from 'pino';

const levelMap: Record<LogLevel, pino.Level> = {
  log: 'info',
  error: 'error',
  warn: 'warn',
  debug: 'debug',
  verbose: 'trace',
  fatal: 'fatal',
};

/**
 * Lets Nest's own messages (module init, route mapping, errors it catches) come out as the same
 * JSON lines as ours. Nest passes the context (class name) as the last string argument and, for
 * errors, a stack before it.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: pino.Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    const fields: Record<string, unknown> = {};
    const rest = [...params];
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') fields['context'] = rest.pop();
    if (level === 'error' && typeof rest[0] === 'string' && rest[0].includes('\n'))
      fields['stack'] = rest.shift();
    else if (level === 'error' && rest[0] === undefined && rest.length > 0) rest.shift();
    if (rest.length > 0) fields['details'] = rest;

    const pinoLevel = levelMap[level];
    if (message instanceof Error) {
      this.logger[pinoLevel]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'string') {
      this.logger[pinoLevel](fields, message);
    } else {
      this.logger[pinoLevel]({ ...fields, data: message }, 'nest');
    }
  }
}
