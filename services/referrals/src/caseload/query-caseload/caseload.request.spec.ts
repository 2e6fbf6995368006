import { schemaValidator } from '@sp/validation';
import { CaseloadQuerySchema, withStatusList } from './caseload.request';

const query = schemaValidator(CaseloadQuerySchema);

describe('GET /v1/caseload query', () => {
  it('takes one status or several, open statuses only', () => {
    expect(query.problems(withStatusList({ status: 'accepted' }))).toEqual([]);
    expect(query.problems(withStatusList({ status: ['accepted', 'on-hold'] }))).toEqual([]);
    expect(query.problems(withStatusList({ status: 'completed' })).map((p) => p.field)).toEqual([
      'status[0]',
    ]);
  });

  it('names each bad parameter once', () => {
    const problems = query.problems(
      withStatusList({ status: 'completed', limit: '0', offset: '-1', overdue: 'yes', colour: 'red' }),
    );
    expect(problems.map((p) => p.field).sort()).toEqual([
      'colour',
      'limit',
      'offset',
      'overdue',
      'status[0]',
    ]);
  });
});
