// Worker thread bootstrap for render-pool.ts: registers tsx (the project runs from its TypeScript
// sources, as bin/docpipe-run.js does) and loads the thread's message handler.
import { register } from 'tsx/esm/api';

register();
await import('./render-thread.ts');
