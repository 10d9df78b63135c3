export { chunkText, DEFAULT_CHUNK_OPTIONS, type ChunkOptions, type ChunkSpan } from './chunker.ts';
export { splitBlocks, isHeading, type Block } from './blocks.ts';
export { countTokens } from './tokens.ts';
export { chunkUuid } from './uuid.ts';
