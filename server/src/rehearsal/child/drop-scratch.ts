// The child's one-shot job for the parent's scratch-cleanup.ts: drop a postgres scratch database
// left by a child that was killed. Only Evolve's own scratch databases, by their name prefix.
import type { DropScratchCommand } from '../protocol';
import { requireFromRoots } from './modules';
import { connectMaintenance, dropScratch, SCRATCH_PREFIX, type PgModule } from './pg-scratch';

export async function dropScratchDatabase(command: DropScratchCommand): Promise<void> {
  if (!command.database.startsWith(SCRATCH_PREFIX)) throw new Error(`Refusing to drop ${command.database}: not an Evolve scratch database.`);
  const pg = requireFromRoots('pg', { workspace: command.workspace, evolveRoot: command.evolveRoot }) as PgModule;
  const admin = await connectMaintenance(pg, command.server);
  try {
    await dropScratch(admin, command.database);
  } finally {
    await admin.end().catch(() => undefined);
  }
}
