import { Migration } from '@mikro-orm/migrations';

/**
 * Migration #0: the vector extension. MikroORM's schema generator does not manage extensions, so this one
 * is written by hand. On PGlite the extension is loaded by the driver options; this statement enables it.
 */
export class Migration20261122000000EnableVector extends Migration {
  override name = 'Migration20261122000000_enable_vector';

  override up(): void {
    this.addSql('create extension if not exists vector;');
  }

  override down(): void {
    this.addSql('drop extension if exists vector;');
  }
}
