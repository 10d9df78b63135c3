import { defineStage, PermanentError } from 'docpipe';

// Placeholder until the relationships stage lands: it refuses work rather than pretending to do it.
export default defineStage({
  name: 'relationships',
  async run() {
    throw new PermanentError('stage "relationships" is not implemented yet');
  },
});
