/** Compile-time only: the response schemas restate the library's core shapes; this fails to compile when they drift apart. */
// The schemas restate the library's core shapes; these fail to compile when the two drift apart.
import type { Answer, Citation, RetrievedChunk } from '../core/types.js';
import type { z } from 'zod';
import type * as res from './response-schemas.js';
import type { ApiKeySummary } from './api-types.js';
import type { KeySummary } from './keys.js';
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type SchemasAgreeWithCore = [
  Assert<Same<z.infer<typeof res.answerSchema>, Answer>>,
  Assert<Same<z.infer<typeof res.citationSchema>, Citation>>,
  Assert<Same<z.infer<typeof res.retrievedChunkSchema>, RetrievedChunk>>,
  Assert<Same<ApiKeySummary, KeySummary>>,
];
