import { GEBIETSKOERPERSCHAFTEN } from '../data/gebietskoerperschaften.js';
import { STANDARD_MEASURE_TYPES } from '../data/measure-types.js';
import type { ExtractionFindings } from '../extract/agreement.js';
import type { ValueEvidence } from '../extract/evidence.js';
import { breaksOffMidPhrase, missesPhraseWithin } from '../extract/list-layout.js';
import { numberWordsToCents } from '../extract/number-words.js';
import { isKnownPlace } from '../extract/signatures.js';
import { ministryForYear } from '../extract/parties.js';
import { pathOf, textAt } from '../schema/paths.js';
import { type Agreement, agreementSchema, type Amount, type RecordIssue, type RecordStatus } from '../schema/record.js';
import { type OcrValuesContext, validateOcrValues } from './ocr-values.js';

/**
 * Decides a record's status from what was extracted: the zod schema checks shape, the business rules
 * check plausibility. Every problem becomes an issue with the record path it concerns and a message a
 * reviewer can act on; any issue sends the record to review, and a document that is not an
 * agreement at all is rejected.
 */

export const FIRST_BUDGET_YEAR = 2011;
/** Plausible totals for one county's or city's budget: from 10 000 € to 50 million €. */
const MIN_AMOUNT_CENTS = 10_000 * 100;
const MAX_AMOUNT_CENTS = 50_000_000 * 100;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ValidationContext extends OcrValuesContext {
  /** The year agreements cannot lie beyond (normally the current one). */
  today: Date;
  /** Pages that were read by OCR with a mean confidence below the threshold. */
  lowConfidencePages: { page: number; confidence: number }[];
  /** Scanned pages that were not read: OCR switched off, or the OCR service failed. */
  unreadPages: number[];
  /** Pages that were read but yielded no text. */
  emptyPages?: number[];
  /** Lines of ink OCR read nothing in: the page, and how far down it the line stands (0–1). */
  unreadLines?: { page: number; top: number }[];
  /** The document's page count, and the count its page markers announce ("Seite 2 von 3"), when they do. */
  pageCount?: number;
  announcedPages?: number;
}

/** Text read from a document, quoted in a message: the first lines, each cut short. */
function quoted(lines: readonly string[]): string {
  const shown = lines.slice(0, 2).map((line) => `"${line.replace(/\t/g, ' ').slice(0, 60)}${line.length > 60 ? '…' : ''}"`);
  return lines.length > 2 ? `${shown.join(', ')} and ${lines.length - 2} more line${lines.length === 3 ? '' : 's'}` : shown.join(', ');
}

/**
 * Five digits or more with no dot or space between them. Documents group an amount's thousands ("4 287
 * 572 €", "4.287.572 €"), and OCR loses a thin gap or a dot more easily than a digit, but in digits that
 * no groups of three hold, a lost or doubled digit cannot be seen.
 */
const UNGROUPED_DIGITS = /\d{5,}/;

const SECTION_NAMES = { title: 'the title block', amount: 'the amount\'s section', measures: 'the measure list' } as const;

export interface Validation {
  status: RecordStatus;
  issues: RecordIssue[];
}

/** A business rule a value breaks: a stable code and a message for a person. */
export interface Problem {
  code: string;
  message: string;
}

/** Agreements exist from 2011 and are made for the coming year at the latest. */
export function yearProblem(year: number, today: Date): Problem | undefined {
  const latestYear = today.getUTCFullYear() + 1;
  if (year >= FIRST_BUDGET_YEAR && year <= latestYear) return undefined;
  return { code: 'year.implausible', message: `Budget year ${year} is outside ${FIRST_BUDGET_YEAR}–${latestYear}.` };
}

/**
 * A word with a figure in the title other than the budget year. The title names the agreement's year
 * ("Zielvereinbarung 2018 zwischen …") and no other number; one besides it is the year misread ("20138",
 * which is no year, so the budget year was taken from the text, and the title went on naming it), or a
 * year or a number the agreement's fields do not account for.
 */
export function titleYearProblem(title: string, year: number): Problem | undefined {
  const others = (title.match(/\S*\d\S*/gu) ?? []).map((word) => word.replace(/^[^\p{L}\d]+|[^\p{L}\d]+$/gu, '')).filter((word) => word !== String(year));
  if (others.length === 0) return undefined;
  return { code: 'title.year_mismatch', message: `The title names ${others.map((word) => `"${word}"`).join(', ')} besides or instead of the budget year ${year}; check it against the scan.` };
}

/** The ministry bore one name in each year. */
export function funderNameProblem(name: string, year: number): Problem | undefined {
  const expected = ministryForYear(year);
  if (!expected || name === expected.name) return undefined;
  return { code: 'party.funder_name_year', message: `In ${year} the ministry was called "${expected.name}", but the document names "${name}".` };
}

export function recipientProblem(name: string): Problem | undefined {
  if (GEBIETSKOERPERSCHAFTEN.some((entity) => entity.name === name)) return undefined;
  return { code: 'party.recipient_unknown', message: `"${name}" is not one of Hesse's 26 Landkreise and kreisfreie Städte.` };
}

export function amountProblem(amount: Amount): Problem | undefined {
  if (amount.cents >= MIN_AMOUNT_CENTS && amount.cents <= MAX_AMOUNT_CENTS) return undefined;
  return { code: 'amount.implausible', message: `The amount ${amount.text} is outside the plausible range of 10.000 to 50.000.000 Euro for one budget.` };
}

/** A signature is dated on a day that has come, within a year of the budget year. */
export function signatureDateProblem(isoDate: string, year: number | undefined, today: Date): Problem | undefined {
  const signed = new Date(`${isoDate}T00:00:00Z`);
  if (signed.getTime() > today.getTime() + DAY_MS) return { code: 'signature.date_future', message: `The signature date ${isoDate} lies in the future.` };
  if (year !== undefined && (signed.getUTCFullYear() < year - 1 || signed.getUTCFullYear() > year + 1)) {
    return { code: 'signature.date_implausible', message: `The signature date ${isoDate} is implausible for budget year ${year}.` };
  }
  return undefined;
}

export function validateFindings(findings: ExtractionFindings, context: ValidationContext): Validation {
  const { agreement, facts } = findings;
  const issues: RecordIssue[] = [];
  const add = (path: string, code: string, message: string) => issues.push({ path, code, message });
  const report = (path: string, problem: Problem | undefined) => problem && add(path, problem.code, problem.message);

  for (const page of context.unreadPages) {
    add('document', 'ocr.skipped', `Page ${page} has no text layer and was not read by OCR.`);
  }
  for (const { page, confidence } of context.lowConfidencePages) {
    add('document', 'ocr.low_confidence', `Page ${page} was read by OCR with a mean confidence of ${Math.round(confidence * 100)} %; check its fields against the scan.`);
  }

  const fieldCount = ['title', 'budgetYear', 'amount'].filter((key) => key in agreement).length
    + (agreement.measures?.length ? 1 : 0) + (agreement.parties?.length ? 1 : 0);
  if (!facts.isAgreement && fieldCount < 3) {
    // Unread pages may hold the agreement: that is for a person to decide, not a rejection.
    if (context.unreadPages.length > 0) {
      add('document', 'document.unread', 'The pages that could be read do not show a Zielvereinbarung; the unread pages need to be read before the document can be judged.');
      return { status: 'needs_review', issues };
    }
    add('document', 'document.not_agreement', 'This document does not look like a Zielvereinbarung: no title, and too few of its fields were found.');
    return { status: 'rejected', issues };
  }
  // What a page lacks is a finding about an agreement; a document that is none is rejected for that alone.
  for (const page of context.emptyPages ?? []) add('document', 'page.empty', `Page ${page} yielded no text.`);
  for (const { page, top } of context.unreadLines ?? []) {
    add('document', 'ocr.line_unread', `Page ${page} holds a line of ink ${Math.round(top * 100)} % of the way down that OCR read nothing in; whatever it holds is missing from the record. Check the page against the scan.`);
  }
  if (context.announcedPages !== undefined && context.pageCount !== undefined && context.announcedPages > context.pageCount) {
    add('document', 'document.pages_missing', `The page numbers announce ${context.announcedPages} pages ("Seite … von ${context.announcedPages}"), but the document has ${context.pageCount}.`);
  }

  if (!facts.titleFound) add('agreement.title', 'title.missing', 'No title block beginning with "Zielvereinbarung" was found.');
  if (!agreement.program) add('agreement.program', 'program.missing', 'The budget the agreement implements was not found.');

  const year = agreement.budgetYear;
  if (year === undefined) add('agreement.budgetYear', 'year.missing', 'The budget year was not found.');
  else report('agreement.budgetYear', yearProblem(year, context.today));
  if (agreement.title && year !== undefined) report('agreement.title', titleYearProblem(agreement.title, year));

  const parties = agreement.parties ?? [];
  const funderIndex = parties.findIndex((party) => party.role === 'funder');
  const recipientIndex = parties.findIndex((party) => party.role === 'recipient');
  const funder = parties[funderIndex];
  const recipient = parties[recipientIndex];
  if (!funder) add('agreement.parties', 'party.funder_missing', 'The funding ministry was not found among the parties.');
  else if (year !== undefined) report(`agreement.parties[${funderIndex}].name`, funderNameProblem(funder.name, year));
  if (!recipient) {
    if (facts.ambiguousRecipients?.length) {
      add('agreement.parties', 'party.recipient_ambiguous', `The recipient could be ${facts.ambiguousRecipients.map((entity) => entity.name).join(' or ')}; the document does not say which.`);
    } else {
      add('agreement.parties', 'party.recipient_unknown', facts.recipientPhrase
        ? `"${facts.recipientPhrase}" is not one of Hesse's 26 Landkreise and kreisfreie Städte.`
        : 'The recipient (Landkreis or kreisfreie Stadt) was not found.');
    }
  } else {
    report(`agreement.parties[${recipientIndex}].name`, recipientProblem(recipient.name));
  }

  const amount = agreement.amount;
  if (!amount) add('agreement.amount', 'amount.missing', 'No amount in euro was found.');
  else report('agreement.amount', amountProblem(amount));

  if (amount && facts.amountIntroducedAsPart) {
    add('agreement.amount', 'amount.part_only', `The only amount found, ${amount.text}, is introduced as a part of the total ("davon …"); the total itself was not read.`);
  }
  const amountEvidence = context.values?.find((value) => value.evidence.path === 'agreement.amount')?.evidence;
  if (amount && amountEvidence && amountEvidence.source !== 'pdf-text' && UNGROUPED_DIGITS.test(amount.text)) {
    add('agreement.amount', 'amount.ungrouped', `The amount ${amount.text} was read by OCR without the separators of its thousands, so the count of its digits cannot be checked; check it against the scan.`);
  }
  if (amount && facts.amountInWords) {
    const writtenOut = numberWordsToCents(facts.amountInWords);
    if (writtenOut !== undefined && writtenOut !== amount.cents) {
      add('agreement.amount', 'amount.words_mismatch', `The amount ${amount.text} differs from the amount in words ("${facts.amountInWords}").`);
    }
  }

  const measures = agreement.measures ?? [];
  if (measures.length === 0) add('agreement.measures', 'measures.missing', 'No numbered list of measures was found.');
  if (facts.listCutBefore !== undefined) {
    add('agreement.measures', 'measures.list_cut', `The numbered list ends after measure ${measures.length}, but ${quoted([facts.listCutBefore])} follows before its section ends.`);
  }
  // A title or a name that breaks off mid-phrase ("… in Ausbildung und"), or lacks one inside ("zwischen
  // und dem Landkreis …"), lost a line to OCR.
  const named = [
    ...(agreement.title ? [{ path: 'agreement.title', text: agreement.title, project: false }] : []),
    ...measures.flatMap((measure, index) => [
      { path: `agreement.measures[${index}].title`, text: measure.title, project: false },
      ...measure.projects.map((project, at) => ({ path: `agreement.measures[${index}].projects[${at}]`, text: project, project: true })),
    ]),
  ];
  for (const { path, text } of named) {
    if (breaksOffMidPhrase(text)) add(path, 'value.incomplete', `"${text}" breaks off mid-phrase, where no title or name ends: a line of it may have been lost; check it against the scan.`);
    else if (missesPhraseWithin(text)) add(path, 'value.incomplete', `"${text}" lacks a phrase inside, where a conjunction follows a word that opens one: a line of it may have been lost; check it against the scan.`);
  }
  for (const path of facts.doubtfulJoins) {
    add(path, 'measure.lines_joined', `"${textAt(agreement, path) ?? ''}" was joined from lines OCR read where a noun ran into a noun at a line's end; the next line may be an item of its own whose bullet was lost; check it against the scan.`);
  }
  // A project named as a measure type is a measure whose number OCR lost ("5. Ausbildungsvorbereitung").
  for (const { path, text } of named.filter(({ project, text }) => project && STANDARD_MEASURE_TYPES.includes(text))) {
    add(path, 'measure.number_lost', `The project "${text}" is named as a measure type: it may be the next measure, its number lost; check it against the scan.`);
  }
  for (const index of facts.outsideProgramme) {
    add(`agreement.measures[${index}].title`, 'measure.outside_programme', `The measure "${measures[index]?.title ?? ''}" is none of the measure types the programme lists in § 1.`);
  }
  for (const { path, read, taken, count } of facts.respelled) {
    add(path, 'value.respelled', `The title reads "${read}", which the document writes "${taken}" elsewhere (its programme, named so ${count} times); it was taken so; check it against the scan.`);
  }
  for (const text of facts.unaccounted) {
    if (text.measureWithoutProjects) {
      add(text.path, 'measure.projects_unread', `This measure has no projects, but text stands under it that was not read as any: ${quoted(text.lines)}.`);
    } else {
      add(text.path, 'text.unaccounted', `Unaccounted text in ${SECTION_NAMES[text.section]}: ${quoted(text.lines)}.`);
    }
  }

  validateSignatures(findings, year, context.today, context.values ?? [], add);
  validateOcrValues(agreement, context, issues, add);

  const shape = agreementSchema.safeParse(agreement);
  if (!shape.success) {
    for (const problem of shape.error.issues) {
      const path = pathOf(['agreement', ...problem.path]);
      if (!issues.some((issue) => issue.path === path || path.startsWith(`${issue.path}.`) || path.startsWith(`${issue.path}[`))) {
        add(path, 'schema.invalid', problem.message);
      }
    }
  }
  return { status: issues.length === 0 ? 'valid' : 'needs_review', issues };
}


function validateSignatures(
  { facts }: ExtractionFindings,
  year: number | undefined,
  today: Date,
  values: readonly ValueEvidence[],
  add: (path: string, code: string, message: string) => void,
): void {
  // The blocks are the record's signatures, in the same order.
  const blocks = facts.signatureBlocks;
  for (const role of ['funder', 'recipient'] as const) {
    const index = blocks.findIndex((block) => block.party === role);
    const block = blocks[index];
    const party = role === 'funder' ? 'ministry' : 'recipient';
    if (!block) {
      add('agreement.signatures', 'signature.missing', `No signature block for the ${party} was found.`);
      continue;
    }
    const path = `agreement.signatures[${index}]`;
    if (!block.writtenDate) {
      add(`${path}.date`, 'signature.date_unreadable', `The ${party}'s signature block names its place, ${block.place}, but its date could not be read ("${block.unreadDate ?? ''}").`);
    } else if (!block.date) {
      add(`${path}.date`, 'signature.date_invalid', `The ${party}'s signature date "${block.writtenDate.text}" does not exist in the calendar (read from: ${block.source}).`);
    } else {
      const problem = signatureDateProblem(block.date, year, today);
      if (problem) add(`${path}.date`, problem.code, problem.message);
    }
    // A place OCR read that is no seat of the ministry or of one of the 26 may be a misreading.
    const placeRead = values.find((value) => value.evidence.path === `${path}.place`)?.evidence;
    if (placeRead && placeRead.source !== 'pdf-text' && !isKnownPlace(block.place)) {
      add(`${path}.place`, 'signature.place_unknown', `The ${party}'s signature place "${block.place}" (read by OCR) is not where the ministry or a Landkreis or kreisfreie Stadt sits; check it against the scan.`);
    }
    if (!block.name) add(`${path}.name`, 'signature.name_missing', `The ${party}'s signatory's name was not found (read from: ${block.source}).`);
    if (!block.title) add(`${path}.title`, 'signature.title_missing', `The ${party}'s signatory's office was not found (read from: ${block.source}).`);
    else if (block.titleRival) {
      add(`${path}.title`, 'signature.title_uncertain', `The ${party}'s signatory's office was taken as "${block.title}", but what was read may as well be "${block.titleRival}" (read from: ${block.source}); check it against the scan.`);
    }
  }
}

/**
 * The business rules a complete agreement has to pass to count as valid when a person has corrected it:
 * the same plausibility rules as for an extracted one, each problem at the path of the value that
 * breaks it (in the syntax `review accept --set` takes).
 */
export function checkCompleteAgreement(agreement: Agreement, today: Date): (Problem & { path: string })[] {
  const problems: (Problem & { path: string })[] = [];
  const report = (path: string, problem: Problem | undefined) => problem && problems.push({ path, ...problem });

  report('agreement.budgetYear', yearProblem(agreement.budgetYear, today));
  for (const role of ['funder', 'recipient'] as const) {
    const indexes = agreement.parties.flatMap((party, index) => (party.role === role ? [index] : []));
    const label = role === 'funder' ? 'the ministry' : 'the recipient';
    if (indexes.length !== 1) {
      report('agreement.parties', { code: `party.${role}_count`, message: `The agreement needs ${label} as exactly one party, not ${indexes.length}.` });
      continue;
    }
    const index = indexes[0]!;
    const name = agreement.parties[index]!.name;
    report(`agreement.parties[${index}].name`, role === 'funder' ? funderNameProblem(name, agreement.budgetYear) : recipientProblem(name));
  }
  report('agreement.amount', amountProblem(agreement.amount));
  if (agreement.measures.length === 0) report('agreement.measures', { code: 'measures.missing', message: 'The agreement needs at least one measure.' });
  const numbers = agreement.measures.map((measure) => measure.number);
  for (const [index, number] of numbers.entries()) {
    if (numbers.indexOf(number) !== index) report(`agreement.measures[${index}].number`, { code: 'measures.number_repeated', message: `Measure number ${number} is given twice.` });
  }
  for (const role of ['funder', 'recipient'] as const) {
    const indexes = agreement.signatures.flatMap((signature, index) => (signature.party === role ? [index] : []));
    if (indexes.length !== 1) {
      const label = role === 'funder' ? 'the ministry' : 'the recipient';
      report('agreement.signatures', { code: 'signature.count', message: `The agreement needs exactly one signature of ${label}, not ${indexes.length}.` });
      continue;
    }
    const index = indexes[0]!;
    const signature = agreement.signatures[index]!;
    if (!signature.name) report(`agreement.signatures[${index}].name`, { code: 'signature.name_missing', message: 'The signatory\'s name is missing.' });
    if (!signature.title) report(`agreement.signatures[${index}].title`, { code: 'signature.title_missing', message: 'The signatory\'s office is missing.' });
    if (!signature.date) report(`agreement.signatures[${index}].date`, { code: 'signature.date_missing', message: 'The signature\'s date is missing.' });
    else report(`agreement.signatures[${index}].date`, signatureDateProblem(signature.date, agreement.budgetYear, today));
  }
  return problems;
}
