# Google Kubernetes Engine with one node pool.
terraform {
  required_providers {
    google     = { source = "hashicorp/google", version = "~> 6.12" }
    helm       = { source = "hashicorp/helm", version = "~> 2.16" }
    kubernetes = { source = "hashicorp/kubernetes", version = "~> 2.33" }
  }
}

provider "google" {
  region = var.region
}

resource "google_container_cluster" "this" {
  name                     = var.cluster_name
  location                 = var.region
  remove_default_node_pool = true
  initial_node_count       = 1
  resource_labels          = var.labels
  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = var.environment == "prod"
  }
}

resource "google_container_node_pool" "default" {
  name       = "${var.cluster_name}-default"
  cluster    = google_container_cluster.this.id
  node_count = var.node_count
  node_config {
    machine_type = var.instance_type
    labels       = var.labels
  }
}

locals {
  endpoint    = "https://${google_container_cluster.this.endpoint}"
  ready_nodes = google_container_node_pool.default.node_count
}
