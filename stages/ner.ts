import { defineStage, PermanentError } from 'docpipe';

// Placeholder until the ner stage lands: it refuses work rather than pretending to do it.
export default defineStage({
  name: 'ner',
  async run() {
    throw new PermanentError('stage "ner" is not implemented yet');
  },
});
