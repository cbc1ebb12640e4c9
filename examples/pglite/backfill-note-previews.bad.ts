// scripts/backfill-note-previews.ts: the desktop app keeps each user's notes in an embedded
// PGlite database; release 3.2 shows a plain-text preview in the note list. This backfill reads
// every note, bodies included, and writes the previews one by one: on a large notebook the app
// freezes while it runs, and quitting halfway leaves no record of where it stopped.
import { PGlite } from '@electric-sql/pglite';

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

export async function backfillNotePreviews(db: PGlite): Promise<number> {
  const { rows } = await db.query<NoteRow>('SELECT id, body_markdown FROM notes WHERE preview IS NULL');
  // expect: unbatched-loop
  for (const note of rows) {
    await db.query('UPDATE notes SET preview = $1 WHERE id = $2', [previewOf(note.body_markdown), note.id]);
  }
  return rows.length;
}
