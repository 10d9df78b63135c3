/** Key names of the raw Streams chain (shared by the harness and the worker process). */
export const RAW = {
  stream: (i: number) => `raw:s${i + 1}`,
  completed: 'raw:completed',
  group: 'raw-group',
  doc: (uuid: string) => `raw:doc:${uuid}`,
};
