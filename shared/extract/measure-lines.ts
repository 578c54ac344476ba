/**
 * What the lines of a list of measures look like: a measure's number, a project's bullet, the section
 * heading and the paragraph or signature that end the list, as written and as OCR misreads them.
 */

/** "1.", "1)", and OCR's "1,", "1;", "1»", "l." or "Z." (for 2) */
export const MEASURE_LINE = /^(?<number>\d{1,2}|[lIZ])\s?[.):,;»]\s*(?<text>[^\d\s].*)$/;
/**
 * A measure's number whose period OCR lost, before a capitalised word ("1 Ausbildungsvorbereitung"):
 * a measure only where it is the number the list expects next, else a bullet OCR read as a digit.
 */
export const PERIOD_LOST = /^(?<number>\d)\s+(?<text>\p{Lu}\p{Ll}.*)$/u;
/** Bullet glyphs as typed, as Symbol/Wingdings fonts encode them, and as OCR reads a round one ("°", "©"). */
const BULLET_GLYPHS = String.raw`[-–—‐•▪■□●◦○·∙*+»«>°©®✓➢&\uF0A7\uF0B7\uF0D8\uF0FC]`;
/** A line that starts with a bullet glyph set apart from its text, not one OCR made of a letter. */
export const GLYPH_BULLET_LINE = new RegExp(String.raw`^${BULLET_GLYPHS}\s+\S`, 'u');
/** A bullet glyph read as a word of its own. */
export const BULLET_GLYPH = new RegExp(String.raw`^${BULLET_GLYPHS}$`, 'u');
/** A mark OCR reads beside a bullet it took for a letter ("o-", "e,", "°o°"), in the glyph's and the letters' readings alike. */
const BULLET_MARK = String.raw`[-.,;:_!*'‘’°]`;
/**
 * Bullets as typed, as Symbol/Wingdings fonts encode them, and as OCR misreads them ("o-", "x",
 * "oBerufs…", and a round bullet read as marks and a letter: "°o EASY", "o° Kompetenzagentur", "°o° Frauen …").
 */
export const BULLET_LINE = new RegExp(
  String.raw`^(?:${BULLET_GLYPHS}(?:\s?[oe]${BULLET_MARK}?(?=\s+\p{Lu}))?|[oesacvx]{1,2}${BULLET_MARK}?(?=\s+[.,'‘’‚]?\p{Lu})|[oe](?=\p{Lu}\p{Ll}))\s*(?<text>\S.*)$`,
  'u',
);
export const LIST_INTRO = /folgende\s+(?:Projekte|Maßnahmen|Angebote)|Maßnahmenart(?:en)?\s*:?\s*$|in\s+den\s+(?:jeweiligen[.,]?\s+)?Maßnahmenarten/i;
export const SECTION_HEADING = /^(?:§|S|\$|8|&)\s?\d{1,2}\s*$|^(?:Artikel|Art\.)\s*\d+/;
/** Sentence openings of the paragraph that follows the list; a list item does not start like this. */
export const PARAGRAPH_START =
  /^(?:Die|Der|Das|Diese[rs]?|Dies|Im|In\s+der|Mit|Zur|Zum|Alle|Es|Eine?|Über|Sofern|Soweit|Dabei|Hierbei|Darüber|Für\s+die|Bei|Nach|Unterjährige)\s/;
export const PLACE_DATE_HINT = /,\s*(?:den\s+)?\d{1,2}\.\s?(?:\d{1,2}\.|[A-ZÄÖÜ][a-zä]+)\s?\d{2,4}\s*$/;

/** Stray dots, dashes and bars OCR leaves between a list mark and the item's text. */
export function stripLeadingMarks(text: string): string {
  const stripped = text.replace(/^[\s.,:;_|'‘’*•·–—-]+(?=\S)/u, '').trim();
  // A quote that opens nothing (no second one follows) is a speck too.
  return /^["“]/.test(stripped) && (stripped.match(/["“”]/g) ?? []).length === 1 ? stripped.slice(1).trim() : stripped;
}

/** Digits OCR reads for the one written ("5." as "9."); inside a running list the expected one is meant. */
export const OCR_DIGIT_CONFUSIONS: Record<number, readonly number[]> = {
  2: [7],
  3: [8, 5],
  4: [9],
  5: [9, 6, 3, 8],
  6: [5, 8, 0],
  7: [1, 2],
  8: [3, 6, 9, 0],
  9: [5, 8, 0],
};

export function measureNumber(raw: string): number {
  if (/^[lI]$/.test(raw)) return 1;
  return raw === 'Z' ? 2 : Number(raw);
}
