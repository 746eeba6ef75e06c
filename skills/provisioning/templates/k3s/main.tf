# k3s on plain virtual machines (Hetzner Cloud): one server, the rest agents.
terraform {
  required_providers {
    hcloud     = { source = "hetznercloud/hcloud", version = "~> 1.49" }
    helm       = { source = "hashicorp/helm", version = "~> 2.16" }
    kubernetes = { source = "hashicorp/kubernetes", version = "~> 2.33" }
  }
}

resource "hcloud_server" "server" {
  name        = "${var.cluster_name}-server"
  server_type = var.instance_type
  image       = "ubuntu-24.04"
  location    = var.region
  labels      = var.labels
  user_data   = "#cloud-config\nruncmd:\n  - curl -sfL https://get.k3s.io | sh -s - server --cluster-init\n"
}

resource "hcloud_server" "agent" {
  count       = var.node_count - 1
  name        = "${var.cluster_name}-agent-${count.index}"
  server_type = var.instance_type
  image       = "ubuntu-24.04"
  location    = var.region
  labels      = var.labels
}

locals {
  endpoint    = "https://${hcloud_server.server.ipv4_address}:6443"
  ready_nodes = 1 + length(hcloud_server.agent)
}
