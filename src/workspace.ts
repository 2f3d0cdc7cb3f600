import { openHome, type OpenHomeOptions } from './home/open-home.js';
import type { Home } from './home/home.js';
import type { Tailor } from './tailor.js';
import type { WorkspaceConfig } from './home/config.js';

export { DEFAULT_CONFIG, defaultVectorWeight, resolveCacheDir, resolveHome, type WorkspaceConfig } from './home/config.js';

export type OpenWorkspaceOptions = OpenHomeOptions;

/** The older shape of an opened home, kept for callers written before `openHome`. */
export interface Workspace {
  home: string;
  config: WorkspaceConfig;
  /** The home's RAG object (`owner.rag`): its writes go through the home's erase path. */
  tailor: Tailor;
  /** The home object that owns everything; close it (or `tailor.close()`, which closes only the store). */
  owner: Home;
}

export async function openWorkspace(options: OpenWorkspaceOptions): Promise<Workspace> {
  const owner = await openHome(options);
  return { home: owner.dir, config: owner.config, tailor: owner.rag, owner };
}

/**
 * `forget` as a user means it: the documents leave the store, and everything derived from them
 * goes too (see Home.forget); `lineage` keeps the older report's shape.
 */
export async function forgetEverywhere(workspace: Workspace, target: string, options: { collection?: string } = {}) {
  const report = await workspace.owner.forget(target, options);
  const lineage = {
    documentIds: report.documents.map((d) => d.documentId),
    datasets: report.erasure.datasets,
    adapters: report.erasure.adapters,
  };
  return { ...report, lineage };
}
