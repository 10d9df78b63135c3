#!/usr/bin/env node
// Entry point: registers the TypeScript loader (so user stage modules written in TypeScript load
// without a build step) and hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/docpipe.ts');
await main(process.argv.slice(2));
