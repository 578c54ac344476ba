import pLimit from 'p-limit';

/**
 * Runs `work` on every item, at most `concurrency` at once (p-limit). After the first failure no further
 * item is started; that failure is thrown once the items already started have settled, so that nothing
 * is left running behind the caller's back.
 */
export async function forEachLimited<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  const limit = pLimit(Math.max(1, concurrency));
  let failure: { error: unknown } | undefined;
  await Promise.all(
    items.map((item, index) =>
      limit(async () => {
        if (failure) return;
        try {
          await work(item, index);
        } catch (error) {
          failure ??= { error };
        }
      }),
    ),
  );
  if (failure) throw failure.error;
}
