import type { FieldProblem } from '@sp/errors';
import { emailAddress, ukMobile, type PatientContact } from './domain/patient-telecom';

/**
 * The patient's contact details given at intake (JSON `patient.telecom`), checked and normalised:
 * the contact to store, and one problem per bad value naming its field.
 */
export function patientContactFromIntake(
  value: unknown,
  field = 'patient.telecom',
): { contact?: PatientContact; problems: FieldProblem[] } {
  // Only string values are checked here: the request schema reports wrong types.
  if (!value || typeof value !== 'object') return { problems: [] };
  const raw = value as { mobile?: unknown; email?: unknown };
  const telecom = {
    ...(typeof raw.mobile === 'string' ? { mobile: raw.mobile } : {}),
    ...(typeof raw.email === 'string' ? { email: raw.email } : {}),
  };
  const problems: FieldProblem[] = [];
  const contact: PatientContact = {};
  if (telecom.mobile !== undefined) {
    const mobile = ukMobile(telecom.mobile);
    if (mobile.ok) contact.mobilePhone = mobile.value;
    else problems.push({ field: `${field}.mobile`, code: 'invalid', message: mobile.message });
  }
  if (telecom.email !== undefined) {
    const email = emailAddress(telecom.email);
    if (email.ok) contact.email = email.value;
    else problems.push({ field: `${field}.email`, code: 'invalid', message: email.message });
  }
  return Object.keys(contact).length > 0 ? { contact, problems } : { problems };
}
