// The markdown report of the fan-out benchmark: both sides' phases side by side, with the
// machine, the engine, CPU per process and the database commands per event.
import type { machine, CpuUsage } from '../referrals/cpu';
import { perEvent, type CommandCounts } from './mongo-commands';
import type { Produced } from './events';
import type { Tally } from './receiver';

export interface RunSettings {
  events: number;
  rate: number;
  seconds: number;
  orgs: number;
}

export interface PhaseResult {
  produced: Produced;
  delivered: number;
  expected: number;
  /** Seconds from the first record produced to the last expected delivery (NaN if incomplete). */
  seconds: number;
  eventsPerSecond: number;
  /** Bare only: from the first record produced to the consumer's first batch (s). */
  firstConsumedSeconds?: number;
  latency: { p50: number; p95: number; p99: number; max: number };
  exact: boolean;
  tally: Omit<Tally, 'arrivals' | 'events' | 'latencies' | 'expected'>;
  cpu: CpuUsage;
  /** Service only: MongoDB commands it sent during the phase. */
  commands?: CommandCounts;
}

export interface SideResult {
  name: string;
  backlog?: PhaseResult;
  steady?: PhaseResult;
  note?: string;
}

const f = (n: number | undefined, digits = 0) =>
  n === undefined || Number.isNaN(n)
    ? 'n/a'
    : n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function exactness(p: PhaseResult | undefined): string {
  if (!p) return 'n/a';
  const t = p.tally;
  return `${p.exact ? 'yes' : 'NO'}: ${f(p.delivered)}/${f(p.expected)} once at the right endpoint, ${t.badSignatures} bad signatures, ${t.wrongEndpoint} wrong endpoint, ${t.doubleEvents} double events, ${t.duplicates} duplicate webhook-ids`;
}

function cpuText(p: PhaseResult | undefined): string {
  if (!p) return 'n/a';
  const parts = Object.entries(p.cpu.seconds).map(([k, v]) => `${k} ${v.toFixed(1)}`);
  if (p.cpu.otherSeconds !== undefined) parts.push(`other ${p.cpu.otherSeconds.toFixed(1)}`);
  return (
    parts.join(', ') +
    (p.cpu.machineBusy !== undefined ? ` (machine ${Math.round(p.cpu.machineBusy * 100)}% busy)` : '')
  );
}

export function report(
  settings: RunSettings,
  sides: SideResult[],
  m: ReturnType<typeof machine>,
  engine: string,
  loads: { start: number; end: number },
): string {
  const [bare, svc] = [sides.find((s) => s.name === 'bare'), sides.find((s) => s.name !== 'bare')];
  const row = (
    label: string,
    get: (s: SideResult) => string,
    ratio?: (b: SideResult, s: SideResult) => string,
  ) =>
    `| ${label} | ${bare ? get(bare) : 'n/a'} | ${svc ? get(svc) : 'n/a'} | ${bare && svc && ratio ? ratio(bare, svc) : ''} |`;
  const ratioOf = (get: (s: SideResult) => number | undefined) => (b: SideResult, s: SideResult) => {
    const [x, y] = [get(b), get(s)];
    return x && y && !Number.isNaN(x) && !Number.isNaN(y) ? (y / x).toFixed(2) : '';
  };
  return [
    '# Webhook fan-out benchmark',
    '',
    `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Machine: ${m.cores} CPU (${m.cpuModel}), ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.platform}. Load average (1 min): ${loads.start} at start, ${loads.end} at end (the machine is shared with other work). Engine: ${engine}. Kafka 3.9.1 (a private single-node broker), Redis 7; everything on the same cores.`,
    '',
    `${settings.orgs} organisations, one webhook endpoint each, one receiver verifying every signature (standardwebhooks) and answering 204. Backlog: ${f(settings.events)} referral.submitted events produced at once; steady: ${settings.rate} events/s for ${settings.seconds} s. Latency: from the event's occurredAt (stamped just before produce, the commit proxy) to the receiver's 2xx.`,
    '',
    '| Measure | Bare (kafkajs + sign + POST) | Notifications service | Service / bare |',
    '| --- | ---: | ---: | ---: |',
    row('Backlog: produced in (s)', (s) =>
      f(s.backlog && (s.backlog.produced.endedAt - s.backlog.produced.startedAt) / 1000, 1),
    ),
    row('Backlog: first produced to last delivered (s)', (s) => f(s.backlog?.seconds, 1)),
    row(
      'Backlog: events/s',
      (s) => f(s.backlog?.eventsPerSecond),
      ratioOf((s) => s.backlog?.eventsPerSecond),
    ),
    row(
      'Backlog: time to delivery p50 / p99 (ms)',
      (s) => `${f(s.backlog?.latency.p50)} / ${f(s.backlog?.latency.p99)}`,
    ),
    row('Backlog: exact', (s) => exactness(s.backlog)),
    row('Backlog: CPU seconds', (s) => cpuText(s.backlog)),
    row('Steady: produced (events/s achieved)', (s) =>
      s.steady
        ? `${f(s.steady.expected)} (${f(s.steady.expected / ((s.steady.produced.endedAt - s.steady.produced.startedAt) / 1000), 1)})`
        : 'n/a',
    ),
    row('Steady: p50 (ms)', (s) => f(s.steady?.latency.p50)),
    row('Steady: p95 (ms)', (s) => f(s.steady?.latency.p95)),
    row('Steady: p99 (ms, aim < 1,000)', (s) => f(s.steady?.latency.p99)),
    row('Steady: max (ms)', (s) => f(s.steady?.latency.max)),
    row('Steady: exact', (s) => exactness(s.steady)),
    row('Steady: CPU seconds', (s) => cpuText(s.steady)),
    '',
    ...sides.filter((s) => s.note).map((s) => `- ${s.name}: ${s.note}.`),
    ...sides.flatMap((s) =>
      (['backlog', 'steady'] as const).flatMap((k) => {
        const p = s[k];
        return p?.commands
          ? [`- ${s.name}, ${k}: MongoDB commands ${perEvent(p.commands, p.expected)}.`]
          : [];
      }),
    ),
    ...(bare?.backlog?.firstConsumedSeconds !== undefined
      ? [
          `- Bare: first record consumed ${f(bare.backlog.firstConsumedSeconds * 1000)} ms after the first was produced (the consumer was idle at the end of the topic; the service's consumer likewise).`,
        ]
      : []),
    '',
  ].join('\n');
}
