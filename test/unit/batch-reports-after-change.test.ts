import { describe, expect, it } from 'vitest';
import { BatchTracker, type ReportRequest } from '../../shared/store/batch-tracking.js';
import type { BatchesTable, BatchState } from '../../shared/store/batches.js';
import { batchesNamedBy } from '../../shared/keys.js';

const documentId = `sha256:${'c'.repeat(64)}`;

/**
 * The batches table as a change to a record reads it: the head item of each batch, and the batches
 * whose member items name the document; asking for a report again numbers the request.
 */
function batchesTable(states: Partial<BatchState>[], holding: Record<string, string[]>): BatchesTable {
  const requests = new Map(states.map((state) => [state.batchId!, state.reportRequests ?? 0]));
  return {
    get: async (batchId: string) => states.find((state) => state.batchId === batchId),
    batchesOf: async (document: string) => holding[document] ?? [],
    addReportRequest: async (batchId: string) => {
      requests.set(batchId, requests.get(batchId)! + 1);
      return requests.get(batchId)!;
    },
  } as unknown as BatchesTable;
}

describe('report requests after a record changed', () => {
  it('names the batch a document first arrived in and those of the keys it was uploaded under', () => {
    expect(batchesNamedBy({ batchId: 'zv-2025', keys: ['incoming/zv-2025/a.pdf', 'incoming/nachtrag/b/a.pdf', 'incoming/lose.pdf', 'elsewhere/x/a.pdf'] })).toEqual(['zv-2025', 'nachtrag']);
    expect(batchesNamedBy({ keys: [] })).toEqual([]);
  });

  it('asks again for the reports of the batches that hold the document and whose report is due, once each', async () => {
    const asked: ReportRequest[] = [];
    const batches = batchesTable(
      [
        { batchId: 'zv-2025', reportRequestedAt: '2026-11-20T10:00:00Z', reportRequests: 1 },
        // Still being uploaded: its report comes when it is complete.
        { batchId: 'nachtrag' },
        // A folder that bears a batch's name but does not hold the document.
        { batchId: 'archiv', reportRequestedAt: '2026-11-20T10:00:00Z', reportRequests: 3 },
      ],
      { [documentId]: ['nachtrag', 'zv-2025'] },
    );
    const tracker = new BatchTracker(batches, async (request) => void asked.push(request));
    expect(await tracker.batchesReporting(documentId)).toEqual(['zv-2025']);
    expect(await tracker.documentChanged(documentId)).toEqual(['zv-2025']);
    expect(asked).toEqual([{ batchId: 'zv-2025', request: 2 }]);
  });
});
