// What the analytics service made of a lifecycle backlog: totals over the referral facts of the
// read-model generation reads use (services/analytics/src/read-models: `read_model_generations`
// names the active generation N; its facts are in `g<N>_referral_facts`).
import type { Db } from 'mongodb';

export interface FactTotals {
  submitted: number;
  accepted: number;
  started: number;
  completed: number;
  pairs: number;
}

export async function activeGeneration(db: Db): Promise<number | null> {
  const state = await db
    .collection<{ _id: string; active?: number }>('read_model_generations')
    .findOne({ _id: 'read-models' });
  return typeof state?.active === 'number' ? state.active : null;
}

/** Referral facts with each lifecycle time set, in the given (or the active) generation. */
export async function factTotals(db: Db, generation?: number): Promise<FactTotals> {
  const g = generation ?? (await activeGeneration(db));
  if (g === null) return { submitted: 0, accepted: 0, started: 0, completed: 0, pairs: 0 };
  const facts = db.collection(`g${g}_referral_facts`);
  const count = (filter: Record<string, unknown>) => facts.countDocuments(filter);
  const [submitted, accepted, started, completed, pairs] = await Promise.all([
    count({ submittedAt: { $exists: true } }),
    count({ acceptedAt: { $exists: true } }),
    count({ startedAt: { $exists: true } }),
    count({ completedAt: { $exists: true } }),
    count({ 'wellbeing.baseline': { $exists: true }, 'wellbeing.followUp': { $exists: true } }),
  ]);
  return { submitted, accepted, started, completed, pairs };
}
