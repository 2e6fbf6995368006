import { CARE_PLAN_SEARCH_PARAMS } from './care-plan-search.request';

/** Search parameters of GET /fhir/Goal: the same as CarePlan's (declared in the CapabilityStatement). */
export const GOAL_SEARCH_PARAMS = CARE_PLAN_SEARCH_PARAMS;
