#!/usr/bin/env node
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/docpipe.ts');
await main(['run', ...process.argv.slice(2)]);
