/** Queue names of the BullMQ chain (shared by the harness and the worker process). */
export const BULL = {
  queue: (i: number) => `s${i + 1}`,
  done: 'done',
  prefix: 'bull',
  /** Completed jobs are removed: nobody reads them, and keeping them is BullMQ's slow default. */
  jobOpts: { removeOnComplete: true, removeOnFail: 1000 },
};
