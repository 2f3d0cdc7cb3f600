import type Database from 'better-sqlite3';

type Db = Database.Database;
type Statement = Database.Statement;

/**
 * better-sqlite3 12 (the last release that runs on Node 20) aborts Node ≥ 24.19 whenever
 * the garbage collector finalises one of its Database, Statement or iterator objects outside
 * JavaScript: node::ObjectWrap's new destructor asserts an entered Environment
 * (WiseLibs/better-sqlite3#1515). So none is ever left to the collector: each database
 * is kept for the life of the process and prepares each SQL text once (the store's
 * texts are a fixed set), which also spares re-parsing. Node frees them at exit.
 * Drop this when better-sqlite3 13 (Node-API, Node ≥ 22) can be required.
 */
const retained = new Set<Db>();

export function retainForProcessLife(db: Db): Db {
  retained.add(db);
  const statements = new Map<string, Statement>();
  // Iterators are native objects too; the store makes few (index rebuilds), so they are kept as well.
  const iterators: unknown[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const cached = statements.get(sql);
    if (cached) {
      // A caller may have switched the shared statement to pluck/raw/expand mode: reset it.
      if (cached.reader) cached.pluck(false).expand(false).raw(false);
      return cached;
    }
    const statement = prepare(sql);
    if (statement.reader) {
      const iterate = statement.iterate.bind(statement);
      statement.iterate = ((...params: unknown[]) => {
        const iterator = iterate(...params);
        iterators.push(iterator);
        return iterator;
      }) as Statement['iterate'];
    }
    statements.set(sql, statement);
    return statement;
  }) as Db['prepare'];
  return db;
}
