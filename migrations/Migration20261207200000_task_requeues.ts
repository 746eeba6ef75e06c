import { Migration } from '@mikro-orm/migrations';

/**
 * How many times the stale-task sweeper put a task back on the queue because its job was gone. A task whose
 * job keeps vanishing can never run; past a few requeues the sweeper fails it and says why, instead of
 * requeueing it forever.
 */
export class Migration20261207200000TaskRequeues extends Migration {
  override name = 'Migration20261207200000_task_requeues';

  override up(): void {
    this.addSql('alter table tasks add column requeues integer not null default 0;');
  }

  override down(): void {
    this.addSql('alter table tasks drop column if exists requeues;');
  }
}
