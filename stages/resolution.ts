import { defineStage, PermanentError } from 'docpipe';

// Placeholder until the resolution stage lands: it refuses work rather than pretending to do it.
export default defineStage({
  name: 'resolution',
  async run() {
    throw new PermanentError('stage "resolution" is not implemented yet');
  },
});
