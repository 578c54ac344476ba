import { describe, expect, it } from 'vitest';
import { forEachLimited } from '../../shared/concurrency.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('forEachLimited', () => {
  it('runs every item once, at most `concurrency` at a time, and passes each its index', async () => {
    let running = 0;
    let peak = 0;
    const seen: [string, number][] = [];
    await forEachLimited(['a', 'b', 'c', 'd', 'e'], 2, async (item, index) => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      seen.push([item, index]);
      running--;
    });
    expect(peak).toBe(2);
    expect(seen.sort()).toEqual([['a', 0], ['b', 1], ['c', 2], ['d', 3], ['e', 4]]);
  });

  it('starts nothing after the first failure and throws it once the started items have settled', async () => {
    const events: string[] = [];
    const run = forEachLimited([1, 2, 3, 4, 5], 2, async (item) => {
      events.push(`start ${item}`);
      await tick();
      if (item === 1) throw new Error('item 1 failed');
      await tick();
      events.push(`end ${item}`);
    });
    await expect(run).rejects.toThrow('item 1 failed');
    // Item 2 was already running and ran to its end; the slot item 1 freed started nothing more.
    expect(events).toEqual(['start 1', 'start 2', 'end 2']);
  });

  it('treats a concurrency below 1 as 1 and an empty list as done', async () => {
    let running = 0;
    await forEachLimited([1, 2, 3], 0, async () => {
      running++;
      expect(running).toBe(1);
      await tick();
      running--;
    });
    await expect(forEachLimited([], 3, async () => expect.fail('called'))).resolves.toBeUndefined();
  });
});
