import type { Provider, Type } from '@nestjs/common';
import { OutboxRelay } from '@sp/messaging';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { ReferralAccessPolicy } from '../referrals/referral-access.policy';
import { ReferralRepository } from '../referrals/referral.repository';
import { ContactCommunicationUseCase } from '../fhir/case-record/contact-communication.use-case';
import { CaseRecordGate } from './case-record-gate';
import { CaseRecordTransaction } from './case-record-transaction';
import { ContactRepository } from './contacts/contact.repository';
import { ContactsController } from './contacts/contacts.controller';
import { ContactsSection } from './contacts/contacts.section';
import { CorrectContactUseCase } from './contacts/correct-contact/correct-contact.use-case';
import { ListContactsUseCase } from './contacts/list-contacts/list-contacts.use-case';
import { RecordContactUseCase } from './contacts/record-contact/record-contact.use-case';
import { AddNoteUseCase } from './notes/add-note/add-note.use-case';
import { DeleteNoteUseCase } from './notes/delete-note/delete-note.use-case';
import { EditNoteUseCase } from './notes/edit-note/edit-note.use-case';
import { ListNotesUseCase } from './notes/list-notes/list-notes.use-case';
import { NoteRepository } from './notes/note.repository';
import { NotesController } from './notes/notes.controller';
import { NotesSection } from './notes/notes.section';
import { CaseRecordController } from './read-case-record/case-record.controller';
import { ReadCaseRecordUseCase } from './read-case-record/read-case-record.use-case';
import { CaseRecordRedactor, type RedactablePart } from './redaction/case-record-redactor';
import type { CaseRecordSection } from './read-case-record/case-record-section';
import { carePlanFhirControllers, carePlanFhirProviders } from '../fhir/case-record/care-plan.wiring';
import { NeedsSection } from './needs/list-needs/list-needs.use-case';
import { NeedsController } from './needs/needs.controller';
import { needsProviders } from './needs/needs.wiring';
import { PlanActionRepository } from './plan/plan-action.repository';
import { PlanController } from './plan/plan.controller';
import { planProviders } from './plan/plan.wiring';
import { PlanSection } from './plan/read-plan/read-plan.use-case';
import { CaseStatementRepository } from './what-matters/case-statement.repository';
import { ConcernsSection, WhatMattersSection } from './what-matters/list-statements/list-statements.use-case';
import { WhatMattersController } from './what-matters/what-matters.controller';
import { whatMattersProviders } from './what-matters/what-matters.wiring';
import { WellbeingSection } from './wellbeing/list-measures/list-measures.use-case';
import { WellbeingController } from './wellbeing/wellbeing.controller';
import { wellbeingProviders } from './wellbeing/wellbeing.wiring';
import { WellbeingMeasureRepository } from './wellbeing/wellbeing-measure.repository';
import { PatientContactRedactor } from '../patient-contact/patient-contact.redactor';

/**
 * The case record (issue 10): what a link worker records while working a referral. Add both
 * arrays to the referrals AppModule. Every part registers here:
 * - its controllers in `caseRecordControllers` (FHIR ones also in `caseRecordFhirControllers`,
 *   declared in the CapabilityStatement);
 * - its repository and use cases in `caseRecordProviders`;
 * - its repository in the `inject` list of CASE_RECORD_REDACTABLE_PARTS (it implements
 *   RedactablePart: free text removed on consent withdrawal, in the withdrawal's transaction);
 * - a CaseRecordSection in CASE_RECORD_SECTIONS (its part of GET /v1/referrals/{id}/case-record).
 * Part 1 (contacts, notes, whole-record read, redaction) and part 2 (what matters, needs, plan,
 * wellbeing) are marked below; add to the lists, keep the order.
 */

/** Every RedactablePart of the case record (a provider token: an array). */
export const CASE_RECORD_REDACTABLE_PARTS = 'CASE_RECORD_REDACTABLE_PARTS';
/** Every CaseRecordSection of the whole-record read (a provider token: an array). */
export const CASE_RECORD_SECTIONS = 'CASE_RECORD_SECTIONS';

export const caseRecordControllers: Type<unknown>[] = [
  // Part 1: contacts, notes, whole record.
  ContactsController,
  NotesController,
  CaseRecordController,
  // Part 2: what matters, needs, plan, wellbeing.
  WhatMattersController,
  NeedsController,
  PlanController,
  WellbeingController,
  ...carePlanFhirControllers,
];

/** The case-record controllers serving /fhir routes (declared in the CapabilityStatement). */
export const caseRecordFhirControllers: Type<unknown>[] = [
  // Part 1: Communication (contacts) is served by the gp-summary CommunicationController.
  // Part 2: CarePlan, Goal.
  ...carePlanFhirControllers,
];

type Gate = CaseRecordGate;
type Audit = AuditLogRepository;

export const caseRecordProviders: Provider[] = [
  {
    provide: CaseRecordGate,
    inject: [ReferralAccessPolicy],
    useFactory: (access: ReferralAccessPolicy) => new CaseRecordGate(access),
  },
  {
    // Every case-record write: one transaction holding the referral against consent withdrawal.
    provide: CaseRecordTransaction,
    inject: [ReferralRepository],
    useFactory: (referrals: ReferralRepository) => new CaseRecordTransaction(referrals),
  },
  // Part 1: contacts, notes, whole record.
  ContactRepository,
  NoteRepository,
  {
    provide: RecordContactUseCase,
    inject: [CaseRecordGate, ContactRepository, ReferralRepository, AuditLogRepository, OutboxRelay],
    useFactory: (g: Gate, c: ContactRepository, r: ReferralRepository, a: Audit, relay: OutboxRelay) =>
      new RecordContactUseCase(g, c, r, a, relay),
  },
  {
    provide: ListContactsUseCase,
    inject: [CaseRecordGate, ContactRepository, AuditLogRepository],
    useFactory: (g: Gate, c: ContactRepository, a: Audit) => new ListContactsUseCase(g, c, a),
  },
  {
    provide: CorrectContactUseCase,
    inject: [CaseRecordGate, ContactRepository, CaseRecordTransaction, AuditLogRepository],
    useFactory: (g: Gate, c: ContactRepository, t: CaseRecordTransaction, a: Audit) =>
      new CorrectContactUseCase(g, c, t, a),
  },
  {
    provide: AddNoteUseCase,
    inject: [CaseRecordGate, NoteRepository, CaseRecordTransaction, AuditLogRepository],
    useFactory: (g: Gate, n: NoteRepository, t: CaseRecordTransaction, a: Audit) =>
      new AddNoteUseCase(g, n, t, a),
  },
  {
    provide: ListNotesUseCase,
    inject: [CaseRecordGate, NoteRepository, AuditLogRepository],
    useFactory: (g: Gate, n: NoteRepository, a: Audit) => new ListNotesUseCase(g, n, a),
  },
  {
    provide: EditNoteUseCase,
    inject: [CaseRecordGate, NoteRepository, CaseRecordTransaction, AuditLogRepository],
    useFactory: (g: Gate, n: NoteRepository, t: CaseRecordTransaction, a: Audit) =>
      new EditNoteUseCase(g, n, t, a),
  },
  {
    provide: DeleteNoteUseCase,
    inject: [CaseRecordGate, NoteRepository, CaseRecordTransaction, AuditLogRepository],
    useFactory: (g: Gate, n: NoteRepository, t: CaseRecordTransaction, a: Audit) =>
      new DeleteNoteUseCase(g, n, t, a),
  },
  {
    // FHIR Communication (contacts), served by the gp-summary CommunicationController.
    provide: ContactCommunicationUseCase,
    inject: [CaseRecordGate, ContactRepository, ReferralRepository, AuditLogRepository],
    useFactory: (g: Gate, c: ContactRepository, r: ReferralRepository, a: Audit) =>
      new ContactCommunicationUseCase(g, c, r, a),
  },
  {
    provide: ContactsSection,
    inject: [ContactRepository],
    useFactory: (c: ContactRepository) => new ContactsSection(c),
  },
  {
    provide: NotesSection,
    inject: [NoteRepository],
    useFactory: (n: NoteRepository) => new NotesSection(n),
  },
  {
    provide: ReadCaseRecordUseCase,
    inject: [CaseRecordGate, CASE_RECORD_SECTIONS, AuditLogRepository],
    useFactory: (g: Gate, sections: CaseRecordSection[], a: Audit) =>
      new ReadCaseRecordUseCase(g, sections, a),
  },
  // Part 2: what matters, needs, plan, wellbeing.
  ...whatMattersProviders,
  ...needsProviders,
  ...planProviders,
  ...wellbeingProviders,
  ...carePlanFhirProviders,
  {
    provide: CASE_RECORD_REDACTABLE_PARTS,
    inject: [
      // Part 1 repositories.
      ContactRepository,
      NoteRepository,
      // Part 2 repositories.
      CaseStatementRepository,
      PlanActionRepository,
      WellbeingMeasureRepository,
      // The patient's contact details (patient-contact/), kept on the referral.
      PatientContactRedactor,
    ],
    useFactory: (...parts: RedactablePart[]): RedactablePart[] => parts,
  },
  {
    provide: CASE_RECORD_SECTIONS,
    inject: [
      // Part 1 sections.
      ContactsSection,
      NotesSection,
      // Part 2 sections.
      WhatMattersSection,
      ConcernsSection,
      NeedsSection,
      PlanSection,
      WellbeingSection,
    ],
    useFactory: (...sections: CaseRecordSection[]): CaseRecordSection[] => sections,
  },
  {
    provide: CaseRecordRedactor,
    inject: [CASE_RECORD_REDACTABLE_PARTS],
    useFactory: (parts: RedactablePart[]) => new CaseRecordRedactor(parts),
  },
];
