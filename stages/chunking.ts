import { defineStage, PermanentError } from 'docpipe';

// Placeholder until the chunking stage lands: it refuses work rather than pretending to do it.
export default defineStage({
  name: 'chunking',
  async run() {
    throw new PermanentError('stage "chunking" is not implemented yet');
  },
});
