import { defineStage, PermanentError } from 'docpipe';

// Placeholder until the clean-cat stage lands: it refuses work rather than pretending to do it.
export default defineStage({
  name: 'clean-cat',
  async run() {
    throw new PermanentError('stage "clean-cat" is not implemented yet');
  },
});
