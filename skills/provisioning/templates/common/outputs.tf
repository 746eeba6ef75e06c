# What /deploy-cluster reports back: the endpoint, how to reach it, and the checks it validates.
output "cluster_name" {
  value = var.cluster_name
}

output "endpoint" {
  value = local.endpoint
}

output "checks" {
  description = "Validation checks the bot reports: true when passed."
  value = {
    nodes_ready   = local.ready_nodes == var.node_count
    monitoring_up = helm_release.monitoring.status == "deployed"
  }
}
