export { createServer, type CreateServerOptions, type RunningServer, type TailorServer } from './server.js';
export { createKeyStore, KEY_PREFIX, ROLES, type KeyStore, type KeySummary, type Principal, type Role } from './keys.js';
export { DEFAULT_LIMITS, type ServerLimits } from './context.js';
