import { NO_TRUST_HISTORY } from '../../signals/service-signals.port';
import { withSignals } from './hsds-views';

describe('withSignals', () => {
  const capacity = {
    status: 'waitlist' as const,
    unit: 'places',
    maximum: 5,
    available: 0,
    caseload: 1,
    waitlistLength: 0,
    updated: '2025-01-17T09:00:00.000Z',
  };

  it('shows the capped availability and the team headroom that capped it', () => {
    const view = withSignals({ id: 's' }, 's', {
      trust: NO_TRUST_HISTORY,
      capacity: { ...capacity, teamHeadroom: 0 },
    });
    expect(view['capacities']).toEqual([expect.objectContaining({ available: 0, maximum: 5 })]);
    expect(view['sp_capacity']).toEqual({
      status: 'waitlist',
      caseload: 1,
      waitlist_length: 0,
      team_headroom: 0,
    });
  });

  it('shows no team headroom when the team sets no limits', () => {
    const view = withSignals({ id: 's' }, 's', { trust: NO_TRUST_HISTORY, capacity });
    expect(view['sp_capacity']).not.toHaveProperty('team_headroom');
  });
});
