// Runs a fixture program (test/fixtures/*.ts) as a real child process, so a test can SIGKILL it
// or let it SIGKILL itself at a precise moment. tsx is fine here: fixtures use no Nest DI.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { StopWaiting, waitFor } from '@sp/testing';

const ROOT = resolve(__dirname, '..', '..', '..', '..');

export class FixtureProcess {
  readonly lines: string[] = [];
  stderr = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-20_000);
    });
    child.once('exit', (code, signal) => {
      this.exit = { code, signal };
    });
  }

  static start(fixture: string, env: Record<string, string>): FixtureProcess {
    // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild process, and
    // the signal a fixture sends itself must be visible on the process the test holds.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'libs', 'messaging', 'test', 'fixtures', fixture)],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return new FixtureProcess(fixture, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Waits for a stdout line equal to `marker`; fails fast if the process exits first. */
  async waitForLine(marker: string, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      () => {
        if (this.lines.includes(marker)) return true;
        if (this.exit !== undefined)
          throw new StopWaiting(
            `${this.name} exited (${JSON.stringify(this.exit)}) before printing ${marker}: ${this.stderr}`,
          );
        return false;
      },
      { timeoutMs, intervalMs: 50, description: `${this.name} to print ${marker}` },
    );
  }

  async waitForExit(timeoutMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return waitFor(() => this.exit, { timeoutMs, intervalMs: 50, description: `${this.name} to exit` });
  }

  /** SIGTERM, then SIGKILL if it does not exit in time. Safe to call on an exited process. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (this.exit !== undefined) return;
    this.child.kill('SIGTERM');
    try {
      await this.waitForExit(timeoutMs);
    } catch {
      this.child.kill('SIGKILL');
      await this.waitForExit(5_000);
    }
  }
}
