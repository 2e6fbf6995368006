import type { Provider } from '@nestjs/common';
import { AuditLogRepository } from '../../audit/audit-log.repository';
import { ReferralRepository } from '../../referrals/referral.repository';
import { CaseRecordGate } from '../case-record-gate';
import { CaseRecordTransaction } from '../case-record-transaction';
import { ListMeasuresUseCase, WellbeingSection } from './list-measures/list-measures.use-case';
import { RecordMeasureUseCase } from './record-measure/record-measure.use-case';
import { WellbeingMeasureRepository } from './wellbeing-measure.repository';

type Gate = CaseRecordGate;
type Measures = WellbeingMeasureRepository;
type Audit = AuditLogRepository;

/** Wellbeing measures: repository, use cases, whole-record section (see case-record.wiring.ts). */
export const wellbeingProviders: Provider[] = [
  WellbeingMeasureRepository,
  {
    provide: RecordMeasureUseCase,
    inject: [
      CaseRecordGate,
      WellbeingMeasureRepository,
      CaseRecordTransaction,
      ReferralRepository,
      AuditLogRepository,
    ],
    useFactory: (g: Gate, m: Measures, t: CaseRecordTransaction, r: ReferralRepository, a: Audit) =>
      new RecordMeasureUseCase(g, m, t, r, a),
  },
  {
    provide: ListMeasuresUseCase,
    inject: [CaseRecordGate, WellbeingMeasureRepository, AuditLogRepository],
    useFactory: (g: Gate, m: Measures, a: Audit) => new ListMeasuresUseCase(g, m, a),
  },
  {
    provide: WellbeingSection,
    inject: [WellbeingMeasureRepository],
    useFactory: (m: Measures) => new WellbeingSection(m),
  },
];
