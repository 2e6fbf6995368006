import type { Role } from '@sp/identity';
import type { OrganisationKind } from '../hsds/domain/hsds-record';
import type { RegisterOrganisationBody } from '../directory/directory-requests.schema';

export interface DemoClient {
  clientId: string;
  organisationId: string;
  role: Role;
  name: string;
  /** Scopes beyond the role: a commissioner's areas. */
  scopes?: string[];
}

/**
 * The demo commissioner's organisation: an ICB is not a directory organisation (no HSDS kind, no
 * services), so this slug names it only in its client's tokens (see issue-token.use-case.ts).
 */
export const DEMO_COMMISSIONER_ORGANISATION = 'org-tees-valley-icb';
/** The ICB of the demo practices in the synthetic GP registration fixture (infra/local/data/gp-registrations). */
export const DEMO_ICB_CODE = 'QHM';

export interface DemoOrganisation extends Omit<RegisterOrganisationBody, 'id' | 'kind'> {
  id: string;
  kind: OrganisationKind;
}

export interface DemoService {
  id: string;
  organisationId: string;
  name: string;
  description: string;
  /** The service's web page (Open Referral UK requires `url` on every service). */
  url: string;
  taxonomyTermIds: string[];
  minimumAge?: number;
  maximumAge?: number;
  languages: Array<{ code: string; name: string }>;
  phone: string;
  schedule: { byday: string; opens_at: string; closes_at: string; description: string };
  eligibility?: string;
  /** Where it is delivered (ids of demoLocations). */
  locationIds: string[];
}

export interface DemoLocation {
  id: string;
  organisationId: string;
  name: string;
  address: string;
  city: string;
  postcode: string;
  latitude: number;
  longitude: number;
}

/**
 * A small, plausible Tees Valley network for local use and demos: two GP practices (ODS codes), a
 * Primary Care Network's link-worker service, and five voluntary and community sector
 * organisations, each with a service coded against our need taxonomy and delivered at a location
 * whose postcode is in the shipped sample postcode table (data/postcodes-sample.csv). Ids are
 * stable so the seed is idempotent.
 */
export const demoOrganisations: DemoOrganisation[] = [
  {
    id: 'org-riverside-practice',
    // Contact email (HSDS organization.email): where the platform emails it (Mailpit locally).
    email: 'referrals@riverside-practice.example.org',
    name: 'Riverside Medical Practice',
    description: 'GP practice in central Middlesbrough.',
    kind: 'gp-practice',
    ods_code: 'A81001',
  },
  {
    id: 'org-hillview-surgery',
    email: 'referrals@hillview-surgery.example.org',
    name: 'Hillview Surgery',
    description: 'GP practice in Stockton-on-Tees.',
    kind: 'gp-practice',
    ods_code: 'A81002',
  },
  {
    id: 'org-tees-valley-pcn',
    email: 'social-prescribing@tees-valley-pcn.example.org',
    name: 'Tees Valley PCN Social Prescribing',
    description: "The Primary Care Network's social prescribing link-worker team.",
    kind: 'link-worker-service',
    ods_code: 'U81234',
  },
  {
    id: 'org-befriend-tees',
    email: 'referrals@befriend-tees.example.org',
    name: 'Befriend Tees',
    description: 'Volunteer befriending for isolated older people across Teesside.',
    kind: 'vcs',
    charity_number: '1100001',
    website: 'https://befriend-tees.example.org',
  },
  {
    id: 'org-money-matters',
    email: 'referrals@money-matters.example.org',
    name: 'Money Matters Advice',
    description: 'Independent debt and welfare benefits advice.',
    kind: 'vcs',
    charity_number: '1100002',
  },
  {
    id: 'org-green-steps',
    email: 'walks@green-steps.example.org',
    name: 'Green Steps Walking Group',
    description: 'Volunteer-led health walks in parks around Middlesbrough.',
    kind: 'vcs',
    charity_number: '1100003',
  },
  {
    id: 'org-tees-food-network',
    email: 'hello@tees-food-network.example.org',
    name: 'Tees Food Network',
    description: 'Community pantries and cooking sessions in Stockton and Middlesbrough.',
    kind: 'vcs',
    charity_number: '1100004',
  },
  {
    id: 'org-carers-together',
    email: 'referrals@carers-together.example.org',
    name: 'Carers Together',
    description: 'Support for unpaid carers in the Tees Valley.',
    kind: 'vcs',
    charity_number: '1100005',
  },
];

export const demoLocations: DemoLocation[] = [
  {
    id: 'loc-pcn-hub',
    organisationId: 'org-tees-valley-pcn',
    name: 'Central Health Hub',
    address: '1 Corporation Road',
    city: 'Middlesbrough',
    postcode: 'TS1 2AD',
    latitude: 54.576012,
    longitude: -1.234791,
  },
  {
    id: 'loc-befriend-office',
    organisationId: 'org-befriend-tees',
    name: 'Befriend Tees office',
    address: '12 Albert Road',
    city: 'Middlesbrough',
    postcode: 'TS1 3BA',
    latitude: 54.573195,
    longitude: -1.236602,
  },
  {
    id: 'loc-money-matters-advice-centre',
    organisationId: 'org-money-matters',
    name: 'Advice Centre',
    address: '40 Linthorpe Road',
    city: 'Middlesbrough',
    postcode: 'TS1 5JT',
    latitude: 54.570104,
    longitude: -1.233012,
  },
  {
    id: 'loc-albert-park',
    organisationId: 'org-green-steps',
    name: 'Albert Park main gate',
    address: 'Linthorpe Road',
    city: 'Middlesbrough',
    postcode: 'TS5 6AA',
    latitude: 54.558012,
    longitude: -1.253008,
  },
  {
    id: 'loc-stockton-pantry',
    organisationId: 'org-tees-food-network',
    name: 'Stockton Community Pantry',
    address: '5 High Street',
    city: 'Stockton-on-Tees',
    postcode: 'TS18 1AA',
    latitude: 54.570012,
    longitude: -1.318003,
  },
  {
    id: 'loc-carers-centre',
    organisationId: 'org-carers-together',
    name: 'Carers Centre',
    address: '22 Dovecot Street',
    city: 'Stockton-on-Tees',
    postcode: 'TS18 2AA',
    latitude: 54.563005,
    longitude: -1.321507,
  },
];

const weekdays = {
  byday: 'MO,TU,WE,TH,FR',
  opens_at: '09:00',
  closes_at: '17:00',
  description: 'Weekdays 9am to 5pm',
};
const english = [{ code: 'en', name: 'English' }];

export const demoServices: DemoService[] = [
  {
    id: 'svc-link-workers',
    organisationId: 'org-tees-valley-pcn',
    name: 'Social prescribing link workers',
    description: 'Link workers meet patients, agree goals and refer onwards to community support.',
    url: 'https://teesvalleypcn.example.org/link-workers',
    taxonomyTermIds: ['sp-need-loneliness', 'sp-need-mental-wellbeing', 'sp-need-debt', 'sp-need-housing'],
    minimumAge: 16,
    languages: [...english, { code: 'pa', name: 'Punjabi' }, { code: 'ur', name: 'Urdu' }],
    phone: '01642 000001',
    schedule: weekdays,
    eligibility: 'Registered with a practice in the Primary Care Network',
    locationIds: ['loc-pcn-hub'],
  },
  {
    id: 'svc-befriending',
    organisationId: 'org-befriend-tees',
    name: 'Telephone and home befriending',
    description: 'Weekly calls or visits from a trained volunteer befriender.',
    url: 'https://befriendtees.example.org/befriending',
    taxonomyTermIds: ['sp-need-loneliness'],
    minimumAge: 50,
    languages: english,
    phone: '01642 000002',
    schedule: weekdays,
    locationIds: ['loc-befriend-office'],
  },
  {
    id: 'svc-debt-advice',
    organisationId: 'org-money-matters',
    name: 'Debt and benefits advice',
    description: 'Free, confidential advice on debt, budgeting and benefit entitlement.',
    url: 'https://moneymatters.example.org/debt-advice',
    taxonomyTermIds: ['sp-need-debt', 'sp-need-benefits'],
    minimumAge: 18,
    languages: [...english, { code: 'pl', name: 'Polish' }],
    phone: '01642 000003',
    schedule: {
      byday: 'MO,WE,FR',
      opens_at: '10:00',
      closes_at: '16:00',
      description: 'Mon, Wed, Fri 10am to 4pm',
    },
    locationIds: ['loc-money-matters-advice-centre'],
  },
  {
    id: 'svc-walking-group',
    organisationId: 'org-green-steps',
    name: 'Health walks',
    description: 'Led walks of 30 to 90 minutes for all abilities.',
    url: 'https://greensteps.example.org/health-walks',
    taxonomyTermIds: ['sp-need-physical-activity', 'sp-need-loneliness'],
    languages: english,
    phone: '01642 000004',
    schedule: {
      byday: 'TU,SA',
      opens_at: '10:00',
      closes_at: '11:30',
      description: 'Tuesdays and Saturdays at 10am',
    },
    locationIds: ['loc-albert-park'],
  },
  {
    id: 'svc-food-support',
    organisationId: 'org-tees-food-network',
    name: 'Community pantry and cooking sessions',
    description: 'Low-cost food and shared cooking sessions.',
    url: 'https://teesfoodnetwork.example.org/community-pantry',
    taxonomyTermIds: ['sp-need-food'],
    languages: english,
    phone: '01642 000005',
    schedule: { byday: 'TH', opens_at: '12:00', closes_at: '15:00', description: 'Thursdays 12 to 3pm' },
    locationIds: ['loc-stockton-pantry'],
  },
  {
    id: 'svc-carer-support',
    organisationId: 'org-carers-together',
    name: 'Carer support groups',
    description: 'Peer support and respite information for unpaid carers.',
    url: 'https://carerstogether.example.org/support-groups',
    taxonomyTermIds: ['sp-need-carer-support'],
    minimumAge: 16,
    languages: english,
    phone: '01642 000006',
    schedule: { byday: 'WE', opens_at: '13:00', closes_at: '15:00', description: 'Wednesdays 1 to 3pm' },
    locationIds: ['loc-carers-centre'],
  },
];

export const demoClients: DemoClient[] = [
  {
    clientId: 'riverside-gp',
    organisationId: 'org-riverside-practice',
    role: 'referrer',
    name: 'Riverside clinical system',
  },
  {
    clientId: 'hillview-gp',
    organisationId: 'org-hillview-surgery',
    role: 'referrer',
    name: 'Hillview clinical system',
  },
  {
    clientId: 'tees-link-workers',
    organisationId: 'org-tees-valley-pcn',
    role: 'link-worker',
    name: 'PCN link worker portal',
  },
  {
    clientId: 'befriend-tees',
    organisationId: 'org-befriend-tees',
    role: 'provider',
    name: 'Befriend Tees portal',
  },
  {
    clientId: 'money-matters',
    organisationId: 'org-money-matters',
    role: 'provider',
    name: 'Money Matters portal',
  },
  {
    clientId: 'green-steps',
    organisationId: 'org-green-steps',
    role: 'provider',
    name: 'Green Steps portal',
  },
  {
    clientId: 'tees-food-network',
    organisationId: 'org-tees-food-network',
    role: 'provider',
    name: 'Food Network portal',
  },
  {
    clientId: 'carers-together',
    organisationId: 'org-carers-together',
    role: 'provider',
    name: 'Carers Together portal',
  },
  {
    clientId: 'tees-commissioner',
    organisationId: DEMO_COMMISSIONER_ORGANISATION,
    role: 'commissioner',
    name: 'Tees Valley commissioning (ICB) reports',
    scopes: [`area:icb:${DEMO_ICB_CODE}`],
  },
  {
    clientId: 'platform-ops',
    organisationId: 'org-tees-valley-pcn',
    role: 'ops',
    name: 'Platform operations',
  },
];
