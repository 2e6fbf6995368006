import type { Role } from '@sp/identity';
import type { NewOrganisation, NewService } from '../directory/directory.repository';

export interface DemoClient {
  clientId: string;
  organisationId: string;
  role: Role;
  name: string;
}

/**
 * A small, plausible network for local use and demos: two GP practices (ODS codes), a Primary Care
 * Network's link-worker service, and five voluntary and community sector organisations, each with
 * one service coded against our need taxonomy. Ids are stable so the seed is idempotent.
 */
export const demoOrganisations: NewOrganisation[] = [
  {
    id: 'org-riverside-practice',
    name: 'Riverside Medical Practice',
    kind: 'gp-practice',
    odsCode: 'A81001',
  },
  { id: 'org-hillview-surgery', name: 'Hillview Surgery', kind: 'gp-practice', odsCode: 'A81002' },
  {
    id: 'org-tees-valley-pcn',
    name: 'Tees Valley PCN Social Prescribing',
    kind: 'link-worker-service',
    odsCode: 'U81234',
  },
  { id: 'org-befriend-tees', name: 'Befriend Tees', kind: 'vcs', charityNumber: '1100001' },
  { id: 'org-money-matters', name: 'Money Matters Advice', kind: 'vcs', charityNumber: '1100002' },
  { id: 'org-green-steps', name: 'Green Steps Walking Group', kind: 'vcs', charityNumber: '1100003' },
  { id: 'org-tees-food-network', name: 'Tees Food Network', kind: 'vcs', charityNumber: '1100004' },
  { id: 'org-carers-together', name: 'Carers Together', kind: 'vcs', charityNumber: '1100005' },
];

export const demoServices: NewService[] = [
  {
    id: 'svc-link-workers',
    organisationId: 'org-tees-valley-pcn',
    name: 'Social prescribing link workers',
    description: 'Link workers meet patients, agree goals and refer onwards to community support.',
    taxonomyTermIds: ['sp-need-loneliness', 'sp-need-mental-wellbeing', 'sp-need-debt', 'sp-need-housing'],
    minimumAge: 16,
  },
  {
    id: 'svc-befriending',
    organisationId: 'org-befriend-tees',
    name: 'Telephone and home befriending',
    description: 'Weekly calls or visits from a trained volunteer befriender.',
    taxonomyTermIds: ['sp-need-loneliness'],
    minimumAge: 50,
  },
  {
    id: 'svc-debt-advice',
    organisationId: 'org-money-matters',
    name: 'Debt and benefits advice',
    description: 'Free, confidential advice on debt, budgeting and benefit entitlement.',
    taxonomyTermIds: ['sp-need-debt'],
    minimumAge: 18,
  },
  {
    id: 'svc-walking-group',
    organisationId: 'org-green-steps',
    name: 'Health walks',
    description: 'Led walks of 30 to 90 minutes for all abilities.',
    taxonomyTermIds: ['sp-need-physical-activity', 'sp-need-loneliness'],
  },
  {
    id: 'svc-food-support',
    organisationId: 'org-tees-food-network',
    name: 'Community pantry and cooking sessions',
    description: 'Low-cost food and shared cooking sessions.',
    taxonomyTermIds: ['sp-need-food'],
  },
  {
    id: 'svc-carer-support',
    organisationId: 'org-carers-together',
    name: 'Carer support groups',
    description: 'Peer support and respite information for unpaid carers.',
    taxonomyTermIds: ['sp-need-carer-support'],
    minimumAge: 16,
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
    clientId: 'platform-ops',
    organisationId: 'org-tees-valley-pcn',
    role: 'ops',
    name: 'Platform operations',
  },
];
