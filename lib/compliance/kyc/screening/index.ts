export { compileSanctionsIndex, sanctionsIndexFormat, type SanctionsEntry, type SerializedSanctionsIndex } from './compile.js';
export { loadSanctionsIndex, type SanctionsIndex } from './load.js';
export {
  screenName, screeningThresholds,
  type SanctionsHit, type ScreenNameInput, type ScreeningDecision, type ScreeningResult, type ScreenOptions,
} from './screen.js';
