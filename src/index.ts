/** docpipe's public handler API: what stage modules import (`import { defineStage } from 'docpipe'`). */
export { defineStage, isStage } from './api/stage.ts';
export type { StageContext, StageDefinition, StageMessage, StageOutput, SetupContext, SchemaRef } from './api/stage.ts';
export { PermanentError, InvalidMessageError, DocpipeError, ErrorCodes } from './errors.ts';
export type { ErrorKind, ErrorCode } from './errors.ts';
export type { Providers, FileSource, SourceFile, LlmClient, LlmJsonRequest, Transcriber, Transcript } from './providers/types.ts';
export type { Store, Sql } from './store/db.ts';
