export { createServer, type CreateServerOptions, type RunningServer, type TailorServer } from './server.js';
export { createKeyStore, KEY_PREFIX, ROLES, type KeyStore, type KeySummary, type Principal, type Role } from './keys.js';
export { DEFAULT_LIMITS, type ServerLimits } from './context.js';
export { createPostgresKeyStore } from './keys-postgres.js';
export { createJobQueue, type JobQueue, type JobView } from './jobs.js';
export { createPostgresJobQueue, type PostgresJobQueueOptions } from './jobs-postgres.js';
