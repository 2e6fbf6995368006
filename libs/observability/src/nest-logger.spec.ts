import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { PinoNestLogger } from './nest-logger';

describe('PinoNestLogger', () => {
  it('maps Nest calls to JSON lines with the context and stack', () => {
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    const nest = new PinoNestLogger(createLogger('svc', 'trace', { destination }));
    nest.log('Mapped {/x, GET} route', 'RouterExplorer');
    nest.error('boom', 'Error: boom\n    at x', 'ExceptionsHandler');
    nest.verbose('chatty');
    const lines = chunks
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'Mapped {/x, GET} route',
      context: 'RouterExplorer',
    });
    expect(lines[1]).toMatchObject({
      level: 'error',
      msg: 'boom',
      context: 'ExceptionsHandler',
      stack: 'Error: boom\n    at x',
    });
    expect(lines[2]).toMatchObject({ level: 'trace', msg: 'chatty' });
  });
});
