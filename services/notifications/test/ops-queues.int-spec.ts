// Operations over every BullMQ queue of the platform, on the real Redis: the notifications service
// (booted in-process) shows its own queues and the referrals deadline queue (OPS_EXTRA_QUEUES), a
// job that failed on a real worker is listed with its reason and attempts and retried (one, then
// all), the queue metrics are exposed, and the bull-board dashboard answers operators only (bearer
// token, or a session cookie opened with an ops token). Everyone else: 401 or 403.
import { Queue, Worker, type Job } from 'bullmq';
import { testInfra, waitFor } from '@sp/testing';
import { startOpsWorld, type OpsWorld } from './support/ops-world';

jest.setTimeout(120_000);

const EXTRA = 'referrals-deadline';

describe('ops: queues, failed jobs, dashboard', () => {
  let world: OpsWorld;
  let ops = '';
  let linkWorker = '';
  // Stands in for the referrals service's deadline queue: same Redis, same prefix, a real worker.
  let deadlines: Queue;

  beforeAll(async () => {
    world = await startOpsWorld('notif-ops', { OPS_EXTRA_QUEUES: `referrals/${EXTRA}` });
    ops = await world.token('ops');
    linkWorker = await world.token('link-worker');
    deadlines = new Queue(EXTRA, { connection: { url: testInfra.redisUrl }, prefix: world.run });
  });

  afterAll(async () => {
    await deadlines?.obliterate({ force: true }).catch(() => undefined);
    await deadlines?.close();
    await world?.close();
  });

  const call = async (token: string | undefined, path: string, init: RequestInit = {}) => {
    const response = await fetch(`${world.url}${path}`, {
      redirect: 'manual',
      ...init,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers },
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { text };
    }
    return { status: response.status, headers: response.headers, body };
  };

  /** Runs a worker that fails every job once (attempts: 1), until `count` jobs have failed. */
  const failJobs = async (count: number, reason: string): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const job = await deadlines.add('deadline', { referralId: `ref-${i}` }, { attempts: 1 });
      ids.push(job.id!);
    }
    const failed = new Set<string>();
    const worker = new Worker(
      EXTRA,
      async (job: Job) => {
        throw new Error(`${reason} (${String(job.data.referralId)})`);
      },
      { connection: { url: testInfra.redisUrl, maxRetriesPerRequest: null }, prefix: world.run },
    );
    worker.on('failed', (job) => job?.id && failed.add(job.id));
    await waitFor(() => ids.every((id) => failed.has(id)), {
      timeoutMs: 30_000,
      intervalMs: 100,
      description: `${count} jobs failed`,
    });
    await worker.close();
    return ids;
  };

  it('lists every queue of the platform with its jobs per state and the oldest waiting age', async () => {
    await failJobs(1, 'deadline store unavailable');
    await deadlines.add('deadline', { referralId: 'waiting' }, {});
    const { status, body } = await call(ops, '/v1/ops/queues');
    expect(status).toBe(200);
    const items = body['items'] as Array<{
      name: string;
      owner: string;
      prefix: string;
      counts: Record<string, number>;
      oldestWaitingSeconds: number;
    }>;
    const names = items.map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['notifications-delivery', EXTRA]));
    const extra = items.find((q) => q.name === EXTRA)!;
    expect(extra).toMatchObject({ owner: 'referrals', prefix: world.run });
    expect(extra.counts['failed']).toBeGreaterThanOrEqual(1);
    expect(extra.counts['waiting']).toBe(1);
    expect(extra.oldestWaitingSeconds).toBeGreaterThanOrEqual(0);

    const metrics = await (await fetch(`${world.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`sp_queue_jobs\\{queue="${EXTRA}",state="failed"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`sp_queue_oldest_waiting_seconds\\{queue="${EXTRA}"\\} `));
    expect(metrics).toMatch(/sp_queue_jobs\{queue="notifications-delivery",state="waiting"\} 0/);
    await deadlines.drain();
  });

  it('lists failed jobs newest first a page at a time, and retries one, then all', async () => {
    await deadlines.clean(0, 1000, 'failed');
    const ids = await failJobs(3, 'deadline store unavailable');

    const seen: Array<{
      id: string;
      failedReason: string;
      attemptsMade: number;
      maxAttempts: number;
      data: unknown;
    }> = [];
    let query = 'limit=2';
    for (;;) {
      const { status, body } = await call(ops, `/v1/ops/queues/${EXTRA}/failed?${query}`);
      expect(status).toBe(200);
      seen.push(...(body['items'] as typeof seen));
      if (!body['nextCursor']) break;
      query = `limit=2&cursor=${String(body['nextCursor'])}`;
    }
    expect(seen.map((j) => j.id).sort()).toEqual([...ids].sort());
    expect(new Set(seen.map((j) => j.id)).size).toBe(3);
    for (const job of seen) {
      expect(job.failedReason).toMatch(/^deadline store unavailable \(ref-\d\)$/);
      expect(job).toMatchObject({ attemptsMade: 1, maxAttempts: 1 });
    }

    const one = await call(ops, `/v1/ops/queues/${EXTRA}/jobs/${ids[0]}/retry`, { method: 'POST' });
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ id: ids[0], state: 'waiting' });
    // Not failed any more: nothing to retry.
    const again = await call(ops, `/v1/ops/queues/${EXTRA}/jobs/${ids[0]}/retry`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(
      (await call(ops, `/v1/ops/queues/${EXTRA}/jobs/no-such-job/retry`, { method: 'POST' })).status,
    ).toBe(404);

    const all = await call(ops, `/v1/ops/queues/${EXTRA}/retry-failed`, { method: 'POST' });
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ retried: 2 });
    expect(await deadlines.getFailedCount()).toBe(0);
    expect(await deadlines.getWaitingCount()).toBe(3);
    await deadlines.drain();
  });

  it('refuses an unknown queue and a cursor it did not make, naming each', async () => {
    const unknown = await call(ops, '/v1/ops/queues/no-such-queue/failed');
    expect(unknown.status).toBe(404);
    expect(unknown.body['code']).toBe('OPS.QUEUE_NOT_FOUND');
    const cursor = await call(ops, `/v1/ops/queues/${EXTRA}/failed?cursor=bm9wZQ`);
    expect(cursor.status).toBe(400);
    expect((cursor.body['errors'] as Array<{ field: string }>).map((e) => e.field)).toEqual(['cursor']);
  });

  it('answers operators only: 403 for other roles, 401 without a token', async () => {
    const routes: Array<[string, string]> = [
      ['GET', '/v1/ops/queues'],
      ['GET', `/v1/ops/queues/${EXTRA}/failed`],
      ['POST', `/v1/ops/queues/${EXTRA}/jobs/1/retry`],
      ['POST', `/v1/ops/queues/${EXTRA}/retry-failed`],
      ['POST', '/v1/ops/queues/session'],
      ['GET', '/ops/queues'],
      ['GET', '/ops/queues/api/queues'],
    ];
    for (const [method, path] of routes) {
      expect([method, path, (await call(linkWorker, path, { method })).status]).toEqual([method, path, 403]);
      expect([method, path, (await call(undefined, path, { method })).status]).toEqual([method, path, 401]);
    }
  });

  it('opens the dashboard for an ops bearer token, and for a browser through a session link and cookie', async () => {
    const page = await call(ops, '/ops/queues');
    expect(page.status).toBe(200);
    expect(String(page.body['text'])).toMatch(/<html/i);
    const api = await call(ops, '/ops/queues/api/queues');
    expect(api.status).toBe(200);
    const names = (api.body['queues'] as Array<{ name: string }>).map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['notifications-delivery', EXTRA]));

    // The dashboard's own actions work for operators (here: retry every failed job of a queue).
    await failJobs(1, 'dashboard retry');
    const retried = await call(ops, `/ops/queues/api/queues/${EXTRA}/retry/failed`, { method: 'PUT' });
    expect(retried.status).toBe(200);
    expect(await deadlines.getFailedCount()).toBe(0);
    await deadlines.drain();

    const session = await call(ops, '/v1/ops/queues/session', { method: 'POST' });
    expect(session.status).toBe(201);
    const link = String(session.body['url']);
    expect(link).toMatch(/^\/ops\/queues\?session=/);
    // The browser opens the link: the cookie is set and the secret leaves the address bar.
    const opened = await call(undefined, link);
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/ops/queues');
    const setCookie = opened.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(
      /^sp_ops_board=[^;]+; Path=\/ops\/queues; Max-Age=\d+; HttpOnly; SameSite=Strict/,
    );
    const cookie = setCookie.split(';')[0]!;
    const withCookie = await call(undefined, '/ops/queues/api/queues', { headers: { cookie } });
    expect(withCookie.status).toBe(200);
    // A forged or altered cookie, or link, is refused.
    const forged = `${cookie.slice(0, -3)}abc`;
    expect((await call(undefined, '/ops/queues/api/queues', { headers: { cookie: forged } })).status).toBe(
      401,
    );
    expect((await call(undefined, `${link}x`)).status).toBe(401);
  });
});
