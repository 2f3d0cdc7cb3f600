/**
 * Shapes the UI reads from the HTTP API (see the API contract). The core nouns are
 * imported as types only from the library so UI and server cannot drift apart;
 * nothing from src/ ends up in the bundle.
 */
export type {
  Answer,
  AnswerConflict,
  AnswerTrace,
  ChatMessage,
  Citation,
  DocumentFormat,
  PageSpan,
  RetrievedChunk,
} from '../../src/core/types.js';
export type { ArenaArm, ArenaRun, ArenaRunSummary, ArenaMetricName } from '../../src/eval/arena/types.js';
export type { Advice } from '../../src/advise/advise.js';
import type { Answer } from '../../src/core/types.js';

export type {
  ApiChatCompletion,
  ApiChatExtension,
  ApiKeyCreated,
  ApiKeySummary,
  ApiMe,
  ApiModelList,
  ApiSettings,
  ApiTraceRecord,
  AskRequestBody,
  ChatCompletionRequestBody,
  SearchRequestBody,
  CreateKeyRequestBody,
} from '../../src/server/api-types.js';
import type { z } from 'zod';
import type { startArenaSchema } from '../../src/server/finetune/schemas.js';
import type { ApiCollectionInfo, ApiDocumentDetail, ApiDocumentListItem, ApiFileOutcome, ApiJob, ApiSearchResponse } from '../../src/server/api-types.js';

/** The server's response shapes (inferred from the zod schemas behind /openapi.json). */
export type CollectionInfo = ApiCollectionInfo;
/** POST /api/arena/runs's body, as the server validates it. */
export type StartArenaBody = z.infer<typeof startArenaSchema>;
export type DocumentListItem = ApiDocumentListItem;
export type DocumentStatus = DocumentListItem['status'];
export type DocumentDetail = ApiDocumentDetail & {
  /** REQUEST FROM UI (optional): whether GET /api/documents/:id/file can serve the original. */
  fileAvailable?: boolean;
};
export type FileOutcome = ApiFileOutcome;
export type Job = ApiJob;
export type RetrieveResult = ApiSearchResponse;

export type AnswerWithTrace = Answer & { traceId?: string };
