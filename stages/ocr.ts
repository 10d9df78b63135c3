import { defineStage, PermanentError } from 'docpipe';

// Placeholder until the ocr stage lands: it refuses work rather than pretending to do it.
export default defineStage({
  name: 'ocr',
  async run() {
    throw new PermanentError('stage "ocr" is not implemented yet');
  },
});
