import { inject } from 'vitest'
import { openDatabase, type Database } from '../../server/db/connect'
import { migrate } from '../../server/db/migrate'
import { seedTaxonomy } from '../../server/sample/load'

/** Tables holding data (not schema bookkeeping), emptied before each test file. */
const DATA_TABLES = ['patrol_plan_routes', 'patrol_plans', 'patrol_graph_edges', 'patrol_graph_nodes', 'patrol_graphs', 'patrol_trips', 'patrol_worker_grids', 'patrol_workers', 'zone_cells', 'zones', 'zonings', 'analysis_results', 'analyses', 'cells', 'layouts', 'cases', 'category_mappings', 'categories', 'imports', 'streets', 'water', 'pois', 'districts', 'app_state']

/**
 * The run's database (see global-setup.ts), migrated, emptied and seeded with the taxonomy.
 * Close it in afterAll: the embedded server accepts one connection at a time.
 */
export async function openTestDatabase(): Promise<Database> {
  const url = inject('databaseUrl')
  const db = await openDatabase({ databaseUrl: url, dataDir: '' })
  await migrate(db.knex)
  await resetData(db)
  return db
}

export async function resetData(db: Database): Promise<void> {
  await db.knex.raw(`TRUNCATE ${DATA_TABLES.join(', ')} RESTART IDENTITY CASCADE`)
  await seedTaxonomy(db)
}
