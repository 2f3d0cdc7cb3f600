/**
 * The HTTP API's request and response types, inferred from the zod schemas that validate requests and
 * generate /openapi.json. Type-only: the web UI imports these, so it compiles against the server's shapes.
 */
import type { z } from 'zod';
import type * as req from './schemas.js';
import type * as res from './response-schemas.js';

export type SearchRequestBody = z.input<typeof req.searchSchema>;
export type AskRequestBody = z.input<typeof req.askSchema>;
export type CreateKeyRequestBody = z.input<typeof req.createKeySchema>;
export type ChatCompletionRequestBody = z.input<typeof req.chatCompletionSchema>;

export type ApiHealth = z.infer<typeof res.healthSchema>;
export type ApiMe = z.infer<typeof res.meSchema>;
export type ApiSettings = z.infer<typeof res.settingsSchema>;
export type ApiCollectionInfo = z.infer<typeof res.collectionInfoSchema>;
export type ApiDocumentListItem = z.infer<typeof res.documentListItemSchema>;
export type ApiDocumentDetail = z.infer<typeof res.documentDetailSchema>;
export type ApiFileOutcome = z.infer<typeof res.fileOutcomeSchema>;
export type ApiJob = z.infer<typeof res.jobSchema>;
export type ApiSearchResponse = z.infer<typeof res.searchResponseSchema>;
export type ApiAskResponse = z.infer<typeof res.askResponseSchema>;
export type ApiTraceRecord = z.infer<typeof res.traceRecordSchema>;
export type ApiKeySummary = z.infer<typeof res.keySummarySchema>;
export type ApiKeyCreated = z.infer<typeof res.keyCreatedSchema>;
export type ApiKeyRevoked = z.infer<typeof res.keyRevokedSchema>;
export type ApiModelList = z.infer<typeof res.modelListSchema>;
export type ApiChatCompletion = z.infer<typeof res.chatCompletionResponseSchema>;
export type ApiChatExtension = z.infer<typeof res.tailorChatExtensionSchema>;
export type ApiErrorBody = z.infer<typeof res.errorResponseSchema>;

