// Which tables the simulated site reads and writes. It starts before the script (its baseline
// window), so it cannot wait to see what the script touches: the tables come from the config or
// --site-tables, else from the script's text (snapshot tables it names as whole words), else all.
import type { TableInfo } from './driver';

/** A problem with the site's set-up, said as it is (no stack). */
export class SiteError extends Error {}

/** The tables the site uses: the configured ones, else those the script's text names, else all. */
export function chooseTables(all: TableInfo[], configured: string[] | undefined, scriptText: string): { tables: TableInfo[]; notes: string[] } {
  const usable = all.filter((t) => t.key !== null);
  if (configured && configured.length > 0) {
    const tables = configured.map((name) => {
      const table = all.find((t) => t.name === name || t.name.toLowerCase() === name.toLowerCase());
      if (!table) throw new SiteError(`site load: the table "${name}" is not in the snapshot (its tables: ${all.map((t) => t.name).join(', ') || 'none'}).`);
      if (!table.key) throw new SiteError(`site load: the table "${name}" has no single-column primary key, so the site cannot pick rows of it; name other tables (--site-tables).`);
      return table;
    });
    return { tables, notes: [] };
  }
  const bare = (name: string) => name.split('.').pop() as string;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const named = usable.filter((t) => new RegExp(`(^|[^A-Za-z0-9_])${escape(bare(t.name))}($|[^A-Za-z0-9_])`, 'i').test(scriptText));
  if (named.length > 0) return { tables: named, notes: [] };
  return { tables: usable, notes: ['site load: the script names none of the snapshot tables; the site uses all tables with a primary key.'] };
}

