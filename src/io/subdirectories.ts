import { readdir } from 'node:fs/promises';

/** Names of the folders directly inside `dir`, sorted; none when `dir` does not exist yet. */
export async function subdirectories(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return [];
  }
}
