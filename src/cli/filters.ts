import type { Command } from 'commander';
import type { DocumentFormat, Filter } from '../core/types.js';

export interface FilterFlags {
  collection?: string[];
  source?: string;
  format?: string[];
  after?: string;
  before?: string;
}

export function addFilterFlags(command: Command, collect: (v: string, p?: string[]) => string[]): Command {
  return command
    .option('-c, --collection <name>', 'only this collection (repeatable)', collect)
    .option('--source <glob>', 'only documents whose source matches this glob')
    .option('--format <format>', 'only this format (repeatable)', collect)
    .option('--after <date>', 'only documents modified after this ISO date')
    .option('--before <date>', 'only documents modified before this ISO date');
}

export function filterFrom(flags: FilterFlags): Filter | undefined {
  const filter: Filter = {
    collections: flags.collection,
    sourceGlob: flags.source,
    formats: flags.format as DocumentFormat[] | undefined,
    modifiedAfter: flags.after,
    modifiedBefore: flags.before,
  };
  return Object.values(filter).some((v) => v !== undefined) ? filter : undefined;
}
