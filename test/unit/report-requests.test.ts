import { describe, expect, it } from 'vitest';
import type { BatchesTable, BatchState } from '../../shared/store/batches.js';
import { batchesNamedBy, requestReportsAfterChange } from '../../shared/store/report-requests.js';

const documentId = `sha256:${'c'.repeat(64)}`;

/** The batches table as far as report requests read it: one batch per id. */
function batchesTable(states: Partial<BatchState>[]): BatchesTable {
  return { get: async (batchId: string) => states.find((state) => state.batchId === batchId) } as unknown as BatchesTable;
}

describe('report requests after a record changed', () => {
  it('names the batch a document first arrived in and those of the keys it was uploaded under', () => {
    expect(batchesNamedBy({ batchId: 'zv-2025', keys: ['incoming/zv-2025/a.pdf', 'incoming/nachtrag/b/a.pdf', 'incoming/lose.pdf', 'elsewhere/x/a.pdf'] })).toEqual(['zv-2025', 'nachtrag']);
    expect(batchesNamedBy({ keys: [] })).toEqual([]);
  });

  it('asks again for the reports of the batches that hold the document and whose report is due, once each', async () => {
    const asked: string[] = [];
    const table = batchesTable([
      { batchId: 'zv-2025', documentIds: [documentId], reportRequestedAt: '2026-11-20T10:00:00Z' },
      // Still being uploaded: its report comes when it is complete.
      { batchId: 'nachtrag', documentIds: [documentId] },
      // A folder that happens to bear a batch's name, without the document.
      { batchId: 'archiv', documentIds: [`sha256:${'d'.repeat(64)}`], reportRequestedAt: '2026-11-20T10:00:00Z' },
    ]);
    const requested = await requestReportsAfterChange(
      { documentId, batchId: 'zv-2025', keys: ['incoming/zv-2025/a.pdf', 'incoming/nachtrag/a.pdf', 'incoming/archiv/a.pdf', 'incoming/unbekannt/a.pdf'] },
      { table, requestReport: async (batchId) => void asked.push(batchId) },
    );
    expect(requested).toEqual(['zv-2025']);
    expect(asked).toEqual(['zv-2025']);
  });
});
