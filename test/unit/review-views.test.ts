import { describe, expect, it } from 'vitest';
import { documentView, fieldPathOf, flagsOf, queueView } from '../../shared/review-api/views.js';
import type { AgreementRecord } from '../../shared/schema/record.js';
import type { StoredDocument } from '../../shared/store/records.js';
import { loadFixtures } from '../support/fixtures.js';

const seed = loadFixtures().find((fixture) => fixture.expected.fileName === 'zielvereinbarung-2025-main-taunus-kreis.pdf')!.expected;

function stored(record: AgreementRecord, extra: Partial<StoredDocument> = {}): StoredDocument {
  return { documentId: record.documentId, record, keys: [`incoming/b1/${record.fileName}`], batchId: 'b1', audit: [], version: 1, updatedAt: '2026-11-20T10:00:00.000Z', ...extra };
}

const needsReview = (fileName: string, patch: Partial<AgreementRecord> = {}): AgreementRecord => ({
  ...structuredClone(seed),
  documentId: `sha256:${fileName.padEnd(64, '0').replace(/[^0-9a-f]/g, 'a').slice(0, 64)}`,
  fileName,
  status: 'needs_review',
  issues: [{ path: 'agreement.amount', code: 'amount.implausible', message: 'The amount is implausible.' }],
  ...patch,
});

describe('the review queue as the API shows it', () => {
  const kassel = needsReview('kassel.pdf', { agreement: { ...structuredClone(seed.agreement), budgetYear: 2019, parties: [seed.agreement.parties![0]!, { role: 'recipient', name: 'Stadt Kassel', kind: 'kreisfreie_stadt' }] } });
  const taunus = needsReview('taunus.pdf');
  const broken: AgreementRecord = { ...needsReview('broken.pdf'), status: 'rejected', agreement: {}, issues: [{ path: 'document', code: 'pdf.truncated', message: 'truncated' }] };
  const documents = [
    stored(kassel, { batchId: 'b2', keys: ['incoming/b2/kassel.pdf', 'incoming/b3/kassel.pdf'] }),
    stored(taunus, { audit: [{ action: 'reject', at: '2026-11-21T09:00:00.000Z', by: 'Prüferin', reason: 'Entwurf' }] }),
    stored(broken),
    // A document whose scanned pages are still being read has no record yet, and no row.
    { documentId: 'sha256:'.padEnd(71, 'f'), keys: ['incoming/b1/late.pdf'], audit: [], version: 1 },
  ];

  it('has one row per record, with file, recipient, year, amount, status, reasons, batches and the last decision', () => {
    const queue = queueView(documents, {});
    expect(queue.count).toBe(3);
    expect(queue.rows[0]).toEqual({
      documentId: kassel.documentId,
      fileName: 'kassel.pdf',
      status: 'needs_review',
      recipient: 'Stadt Kassel',
      budgetYear: 2019,
      amount: { cents: seed.agreement.amount!.cents, text: seed.agreement.amount!.text },
      batches: ['b2', 'b3'],
      reasons: kassel.issues,
      updatedAt: '2026-11-20T10:00:00.000Z',
      version: 1,
    });
    expect(queue.rows[1]!.decision).toEqual({ action: 'reject', by: 'Prüferin', at: '2026-11-21T09:00:00.000Z' });
    expect(queue.rows[2]).toMatchObject({ fileName: 'broken.pdf', status: 'rejected', batches: ['b1'] });
    expect(queue.rows[2]).not.toHaveProperty('recipient');
    expect(queue.facets).toEqual({ batches: ['b1', 'b2', 'b3'], years: [2025, 2019], recipients: ['Main-Taunus-Kreis', 'Stadt Kassel'] });
  });

  it('filters by batch, year, recipient, status and text, counting what it shows and keeping every filter value', () => {
    const names = (filter: Parameters<typeof queueView>[1]) => queueView(documents, filter).rows.map((row) => row.fileName);
    expect(names({ batch: 'b3' })).toEqual(['kassel.pdf']);
    expect(names({ batch: 'b1' })).toEqual(['taunus.pdf', 'broken.pdf']);
    expect(names({ year: 2025 })).toEqual(['taunus.pdf']);
    expect(names({ recipient: 'Stadt Kassel' })).toEqual(['kassel.pdf']);
    expect(names({ status: 'rejected' })).toEqual(['broken.pdf']);
    expect(names({ q: 'TAUNUS' })).toEqual(['taunus.pdf']);
    expect(names({ q: 'kassel', year: 2025 })).toEqual([]);
    expect(queueView(documents, { status: 'rejected' })).toMatchObject({ count: 1, facets: { batches: ['b1', 'b2', 'b3'] } });
  });
});

describe('flags at fields', () => {
  it('writes issue paths in the syntax --set takes, old forms included', () => {
    expect(fieldPathOf('agreement.signatures.recipient', seed)).toBe('agreement.signatures[1]');
    expect(fieldPathOf('agreement.signatures.funder', seed)).toBe('agreement.signatures[0]');
    expect(fieldPathOf('agreement.signatures.recipient', { ...seed, agreement: { ...seed.agreement, signatures: [] } })).toBe('agreement.signatures');
    expect(fieldPathOf('agreement.parties.0.name', seed)).toBe('agreement.parties[0].name');
    expect(fieldPathOf('agreement.measures[2].projects[0]', seed)).toBe('agreement.measures[2].projects[0]');
    expect(fieldPathOf('document', seed)).toBe('document');
  });

  it('flags each issue, and each value OCR read below the confidence floor', () => {
    const box = { left: 0.1, top: 0.1, width: 0.2, height: 0.02 };
    const record: AgreementRecord = {
      ...needsReview('flags.pdf'),
      evidence: [
        { path: 'agreement.amount', page: 2, box, source: 'tesseract', confidence: 0.93, text: '1.018.910 Euro' },
        { path: 'agreement.signatures[1].name', page: 3, box, source: 'tesseract', confidence: 0.41, text: 'J0hannes Bar0n' },
      ],
    };
    expect(flagsOf(record, 0.6)).toEqual([
      { path: 'agreement.amount', kind: 'issue', code: 'amount.implausible', message: 'The amount is implausible.' },
      { path: 'agreement.signatures[1].name', kind: 'low_confidence', code: 'ocr.low_confidence', message: 'Read by OCR with 41 % confidence (below 60 %): "J0hannes Bar0n"' },
    ]);
  });
});

describe('one document as the API shows it', () => {
  it('withholds a document rejected for a limit from rendering, and lets only an undecided record be read again', () => {
    const limited: AgreementRecord = { ...needsReview('huge.pdf'), status: 'rejected', agreement: {}, issues: [{ path: 'document', code: 'limit.pages', message: 'The PDF has 5000 pages, more than the limit of 200.' }] };
    expect(documentView({ ...stored(limited), record: limited }, 0.6)).toMatchObject({
      display: { render: false, reason: 'limit.pages: The PDF has 5000 pages, more than the limit of 200.' },
      hasEvidence: false,
      canReprocess: true,
      evidence: [],
    });
    const decided = needsReview('decided.pdf');
    const view = documentView({ ...stored(decided, { audit: [{ action: 'reject', at: '2026-11-21T09:00:00.000Z', by: 'P', reason: 'R' }] }), record: decided }, 0.6);
    expect(view).toMatchObject({ display: { render: true }, canReprocess: false, version: 1, batches: ['b1'] });
  });
});
