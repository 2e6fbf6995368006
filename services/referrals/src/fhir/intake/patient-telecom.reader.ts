import { emailAddress, ukMobile, type PatientContact } from '../../patient-contact/domain/patient-telecom';
import { isObject, list, text, type Problems } from '../fhir-json';
import type { Located } from './references';

/**
 * Patient.telecom -> the patient's contact details for patient notifications: the first
 * `system: phone, use: mobile` (a UK mobile) and the first `system: email`. Other contact points
 * (home or work phones, fax...) are accepted and ignored. A bad mobile or email is refused, with
 * its FHIRPath.
 */
export function readPatientTelecom(p: Located, problems: Problems): PatientContact | undefined {
  const { resource, path } = p;
  const contact: PatientContact = {};
  list(resource.telecom, `${path}.telecom`, problems).forEach((point, i) => {
    if (!isObject(point)) return;
    const value = text(point.value);
    const at = `${path}.telecom[${i}].value`;
    if (point.system === 'phone' && point.use === 'mobile' && contact.mobilePhone === undefined) {
      if (value === undefined) return problems.required(at, 'A mobile contact point needs a value');
      const mobile = ukMobile(value);
      if (mobile.ok) contact.mobilePhone = mobile.value;
      else problems.add(at, 'value', mobile.message);
    } else if (point.system === 'email' && contact.email === undefined) {
      if (value === undefined) return problems.required(at, 'An email contact point needs a value');
      const email = emailAddress(value);
      if (email.ok) contact.email = email.value;
      else problems.add(at, 'value', email.message);
    }
  });
  return Object.keys(contact).length > 0 ? contact : undefined;
}
