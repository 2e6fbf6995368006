/**
 * Codes the Gravity (SDOHCC) end-to-end specs send, spelt out as a Gravity client would (not taken
 * from the code under test): the SDOHCC temporary code system and SNOMED CT concepts from the IG's
 * own Procedure examples (HL7/fhir-sdoh-clinicalcare, input/fsh/instances).
 */
export const SDOHCC = 'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes';
export const SNOMED = 'http://snomed.info/sct';

/** Task.output.type of what was done (SDOHCC Task For Referral Management). */
export const RESULTING_ACTIVITY = {
  coding: [{ system: SDOHCC, code: 'resulting-activity', display: 'Resulting Activity' }],
};

export const FOOD_PANTRY = {
  system: SNOMED,
  code: '467771000124109',
  display: 'Assistance with application for food pantry program',
};
export const PROVISION_OF_FOOD = { system: SNOMED, code: '710925007', display: 'Provision of food' };
export const FOOD_CATEGORY = {
  coding: [
    { system: SNOMED, code: '410606002', display: 'Social service procedure' },
    { system: SDOHCC, code: 'food-insecurity', display: 'Food Insecurity' },
  ],
};

/** Our reason code system (Task.statusReason), as a client of ours sends it. */
export const UNABLE_TO_CONTACT = {
  coding: [
    {
      system: 'https://socialprescribing.example.org/CodeSystem/referral-status-reason',
      code: 'unable-to-contact',
    },
  ],
  text: 'No answer',
};
