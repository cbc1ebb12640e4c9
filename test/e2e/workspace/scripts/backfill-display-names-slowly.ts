// The same backfill, slowly: batches of 10 with a 400 ms pause, so a rehearsal of it runs long
// enough to watch and to cancel.
import backfillDisplayNames from './backfill-display-names';

type Context = Parameters<typeof backfillDisplayNames>[0];

export default async function backfillDisplayNamesSlowly(context: Context): Promise<void> {
  await backfillDisplayNames(context, { name: 'backfill-display-names-slowly', size: 10, pauseMs: 400 });
}
