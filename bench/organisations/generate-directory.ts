// Deterministic HSDS 3.0 directory for the import benchmark: organisations, services classified
// under the platform need taxonomy (and one publisher taxonomy embedded in attributes), each
// service at one or two locations with coordinates around England. Same size => same bytes.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

export const BENCH_NEEDS = [
  'sp-need-loneliness',
  'sp-need-debt',
  'sp-need-housing',
  'sp-need-mental-wellbeing',
  'sp-need-physical-activity',
  'sp-need-food',
  'sp-need-carer-support',
  'sp-need-employment-training',
  'sp-need-benefits',
  'sp-need-bereavement',
];
const ACTIVITIES = [
  'Walking',
  'Gardening',
  'Choir',
  'Art',
  'Cooking',
  'Coffee morning',
  'Men in sheds',
  'Advice',
];
export const BENCH_TOWNS = [
  { name: 'Middlesbrough', lat: 54.574, lon: -1.235 },
  { name: 'Leeds', lat: 53.8, lon: -1.549 },
  { name: 'Manchester', lat: 53.481, lon: -2.242 },
  { name: 'Birmingham', lat: 52.486, lon: -1.89 },
  { name: 'Bristol', lat: 51.455, lon: -2.588 },
  { name: 'London', lat: 51.507, lon: -0.128 },
  { name: 'Norwich', lat: 52.63, lon: 1.297 },
  { name: 'Plymouth', lat: 50.376, lon: -4.143 },
];

/** mulberry32: small, fast, deterministic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number) => String(n).padStart(6, '0');

export function generatedService(
  i: number,
  rnd: () => number,
  servicesPerOrg: number,
): Record<string, unknown> {
  const orgN = Math.floor(i / servicesPerOrg);
  const town = BENCH_TOWNS[orgN % BENCH_TOWNS.length] ?? BENCH_TOWNS[0]!; // an organisation works in one town
  const activity = ACTIVITIES[Math.floor(rnd() * ACTIVITIES.length)] ?? 'Advice';
  const needs = [
    ...new Set([BENCH_NEEDS[i % BENCH_NEEDS.length], BENCH_NEEDS[Math.floor(rnd() * BENCH_NEEDS.length)]]),
  ] as string[];
  const sites = rnd() < 0.2 ? 2 : 1;
  return {
    id: `bench-svc-${pad(i)}`,
    name: `${activity} group ${i} (${town.name})`,
    description: `A ${activity.toLowerCase()} group meeting weekly in ${town.name}. Open to adults referred by a link worker.`,
    status: 'active',
    minimum_age: rnd() < 0.5 ? 18 : 16,
    ...(rnd() < 0.3 ? { maximum_age: 99 } : {}),
    email: `group${i}@example.org`,
    url: `https://example.org/groups/${i}`,
    organization: {
      id: `bench-org-${pad(orgN)}`,
      name: `${town.name} Community Trust ${orgN}`,
      description: 'A registered charity running community groups.',
      website: `https://trust${orgN}.example.org`,
    },
    attributes: [
      ...needs.map((term, k) => ({ id: `bench-attr-${pad(i)}-${k}`, taxonomy_term_id: term })),
      {
        id: `bench-attr-${pad(i)}-a`,
        taxonomy_term: {
          id: `bench-term-${activity.toLowerCase().replace(/\s+/g, '-')}`,
          name: activity,
          description: `${activity} activities`,
          taxonomy_id: 'bench-activities',
          taxonomy_detail: { id: 'bench-activities', name: 'Activities', description: 'Kinds of activity' },
        },
      },
    ],
    languages: [{ id: `bench-lang-${pad(i)}`, name: 'English', code: 'en' }],
    phones: [{ id: `bench-phone-${pad(i)}`, number: `01${String(100000000 + i).slice(0, 9)}` }],
    service_at_locations: Array.from({ length: sites }, (_, s) => ({
      id: `bench-sal-${pad(i)}-${s}`,
      location: {
        id: `bench-loc-${pad(i)}-${s}`,
        location_type: 'physical',
        name: `${town.name} venue ${i}-${s}`,
        latitude: Math.round((town.lat + (rnd() - 0.5) * 0.3) * 1e5) / 1e5,
        longitude: Math.round((town.lon + (rnd() - 0.5) * 0.4) * 1e5) / 1e5,
        addresses: [
          {
            id: `bench-addr-${pad(i)}-${s}`,
            address_1: `${1 + (i % 200)} High Street`,
            city: town.name,
            state_province: 'England',
            postal_code: 'TS1 2AB',
            country: 'GB',
            address_type: 'physical',
          },
        ],
      },
    })),
  };
}

/** Writes `count` services as NDJSON (one nested service per line) to `file`; returns its size. */
export async function writeDirectory(
  file: string,
  count: number,
  servicesPerOrg = 5,
  seed = 20261121,
): Promise<void> {
  const rnd = random(seed);
  const out = createWriteStream(file);
  for (let i = 0; i < count; i += 1) {
    if (!out.write(`${JSON.stringify(generatedService(i, rnd, servicesPerOrg))}\n`)) await once(out, 'drain');
  }
  out.end();
  await finished(out);
}
