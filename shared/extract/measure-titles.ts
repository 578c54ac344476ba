import { STANDARD_MEASURE_TYPES } from '../data/measure-types.js';
import { foldForComparison, joinWrapped, similarity } from './normalize.js';

/** The standard measure types (Maßnahmenarten) a measure's title is read as, when it is one of them. */

/** How close a title must be to a standard measure type to be read as it: a few misread letters. */
const STANDARD_TITLE_SIMILARITY = 0.9;

function matchingStandardTitle(title: string): string | undefined {
  const folded = foldForComparison(title);
  return STANDARD_MEASURE_TYPES.find((standard) => similarity(folded, foldForComparison(standard)) >= STANDARD_TITLE_SIMILARITY);
}

/** How close a title comes to the standard measure type it is nearest to (1 = the same). */
function standardTitleScore(title: string): number {
  const folded = foldForComparison(title);
  return Math.max(...STANDARD_MEASURE_TYPES.map((standard) => similarity(folded, foldForComparison(standard))));
}

/**
 * A title that already is a standard measure type does not go on over `next`, unless `next` brings it
 * closer still: "… im Kontext der" is near enough to the standard to match, but is its last word short.
 */
export function isCompleteStandardTitle(title: string, next: string): boolean {
  if (matchingStandardTitle(title) === undefined) return false;
  return standardTitleScore(joinWrapped(title, next)) <= standardTitleScore(title);
}

/** The standard spelling of a measure type when the title is one of them, misread ("Ausbhildungsvorbereitung"). */
export function standardTitle(title: string): string {
  return matchingStandardTitle(title) ?? title;
}
