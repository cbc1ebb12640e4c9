// scripts/backfill-note-previews.ts, the safe way: eachBatch pages notes by id, 200 per batch,
// each batch in its own PGlite transaction, so the app stays responsive between batches and the
// next launch resumes after the last committed batch.
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { eachBatch, pgliteAdapter } from 'evolve-runtime';

const PREVIEW_LENGTH = 140;

interface NoteRow {
  id: number;
  body_markdown: string;
}

export function previewOf(markdown: string): string {
  const text = markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[#>*_`~-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text;
}

export async function backfillNotePreviews(db: PGlite): Promise<void> {
  await eachBatch(
    {
      adapter: pgliteAdapter(db),
      name: 'backfill-note-previews',
      size: 200,
      fetch: async (after: number | undefined, size: number, tx: Transaction) =>
        (await tx.query<NoteRow>('SELECT id, body_markdown FROM notes WHERE preview IS NULL AND id > $1 ORDER BY id LIMIT $2', [after ?? 0, size])).rows,
      key: (note) => note.id,
    },
    async (notes, tx) => {
      for (const note of notes) {
        await tx.query('UPDATE notes SET preview = $1 WHERE id = $2', [previewOf(note.body_markdown), note.id]);
      }
    },
  );
}
