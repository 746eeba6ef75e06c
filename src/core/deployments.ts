/**
 * The deployments port (`ctx.deployments`, and a workflow step's `services.deployments`): what the
 * provisioning skill may do with executors, environment locks and the cluster inventory. The engines
 * behind it live in src/provisioning; the skill never sees GitHub, Terraform or the database.
 */
export interface DeploymentsPort {
  readonly placeholder?: never;
}
