export { kycReasonCodes, type CheckResult, type KycReasonCode } from './reasons.js';
export { checkCnResidentId, cnResidentIdCheckCharacter, maskCnResidentId } from './cn-resident-id.js';
export { cnProvinceCodes } from './cn-regions.js';
export { checkPassport, type PassportCheck, type PassportInput } from './passport.js';
export { mrzNameAgrees } from './mrz-names.js';
export { checkPhone } from './phone.js';
