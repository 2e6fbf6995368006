export {
  NEED_SYSTEM,
  NEED_TERMS,
  NEED_CODES,
  SNOMED_CT_ID,
  isPlatformNeedCode,
  isKnownNeedCode,
} from './need-taxonomy';
export type { NeedCode, NeedTerm } from './need-taxonomy';
export {
  NEED_MAPPING_VERSION,
  SNOMED_CT_SYSTEM,
  SDOHCC_TEMPORARY_CODES_SYSTEM,
  SDOHCC_CATEGORY_VALUE_SET,
  SNOMED_NEED_MAPPING,
  SNOMED_GENERIC_REFERRAL_CODES,
  SDOH_CATEGORY_NEED_MAPPING,
  needForSnomed,
  isGenericReferralCode,
  sdohCategory,
} from './need-mapping';
export type { SnomedNeedRow, SdohCategoryRow } from './need-mapping';
