import { defineStage, type StageMessage } from 'docpipe';

/** The benchmark's handler: returns the input fields unchanged (the runtime's cost only). */
export default defineStage<StageMessage>({
  name: 'noop',
  async run(msg) {
    return msg;
  },
});
