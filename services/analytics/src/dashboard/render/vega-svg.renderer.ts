import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { VegaLiteSpec } from '../domain/chart';
import type { ChartRenderer } from './chart-renderer';

/**
 * The worker's code. vega and vega-lite are ESM-only; this service is compiled to CommonJS, where
 * tsc turns `import()` into `require()`, and under jest's module system a dynamic import needs
 * --experimental-vm-modules. A worker thread is plain Node in every setting (compiled service,
 * ts-jest, tsx), so it imports the packages natively; it also keeps rendering off the event loop.
 * Headless: renderer 'none', View.toSVG(); specs carry inline data only (no loader fetches).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const libraries = Promise.all([import(workerData.vega), import(workerData.vegaLite)]);
libraries.catch(() => undefined);
parentPort.on('message', async ({ id, spec }) => {
  let view;
  try {
    const [vega, vegaLite] = await libraries;
    view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
    parentPort.postMessage({ id, svg: await view.toSVG() });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.stack) || error) });
  } finally {
    if (view) view.finalize();
  }
});
`;

interface Pending {
  resolve(svg: string): void;
  reject(error: Error): void;
}

/** Renders Vega-Lite specs to SVG in one long-lived worker thread, started on first use. */
@Injectable()
export class VegaSvgRenderer implements ChartRenderer, OnModuleDestroy {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  toSvg(spec: VegaLiteSpec): Promise<string> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, spec });
    });
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { vega: moduleUrl('vega'), vegaLite: moduleUrl('vega-lite') },
    });
    // The worker never keeps the process alive; shutdown terminates it (onModuleDestroy).
    worker.unref();
    worker.on('message', (message: { id: number; svg?: string; error?: string }) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (typeof message.svg === 'string') pending.resolve(message.svg);
      else pending.reject(new Error(`chart rendering failed: ${message.error ?? 'unknown error'}`));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`chart renderer exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

/** The package's entry as a file URL, resolved from here (not from the process's cwd). */
function moduleUrl(name: string): string {
  return pathToFileURL(require.resolve(name)).href;
}
