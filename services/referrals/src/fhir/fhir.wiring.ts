import type { Provider, Type } from '@nestjs/common';
import { ERROR_RENDERERS } from '@sp/service-kit';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { FhirHttpInterceptor } from './fhir-http';
import { FhirReferralWriter } from './fhir-referral-writer';
import { FhirSystemController } from './fhir-system.controller';
import { fhirErrorRenderer } from './operation-outcome';
import { patientKeysProvider } from './patient-keys';
import { FHIR_AUDIT, PatientController } from './patient/patient.controller';
import { ServiceRequestController } from './service-request.controller';
import { TaskController } from './task.controller';
import { FhirTaskUpdater } from './task-updater';

/**
 * The FHIR R4 API (`/fhir`): add both arrays to the referrals AppModule. The controllers need
 * REFERRAL_OPERATIONS, and PATIENT_KEYS reads PATIENT_KEY_SECRET from SERVICE_CONFIG (searches by
 * patient); ERROR_RENDERERS makes service-kit's exception filter answer every error under /fhir
 * (including body-parser, auth and unknown-route errors) with an OperationOutcome.
 */
export const fhirControllers: Type<unknown>[] = [
  FhirSystemController,
  ServiceRequestController,
  TaskController,
  PatientController,
];

export const fhirProviders: Provider[] = [
  FhirReferralWriter,
  FhirTaskUpdater,
  FhirHttpInterceptor,
  patientKeysProvider,
  // Patient reads are audited in the referrals audit log (AuditLogRepository of the app module).
  { provide: FHIR_AUDIT, useExisting: AuditLogRepository },
  { provide: ERROR_RENDERERS, useValue: [fhirErrorRenderer] },
];
