# Azure Kubernetes Service with the default node pool.
terraform {
  required_providers {
    azurerm    = { source = "hashicorp/azurerm", version = "~> 4.14" }
    helm       = { source = "hashicorp/helm", version = "~> 2.16" }
    kubernetes = { source = "hashicorp/kubernetes", version = "~> 2.33" }
  }
}

provider "azurerm" {
  features {}
}

resource "azurerm_resource_group" "this" {
  name     = "rg-${var.cluster_name}"
  location = var.region
  tags     = var.labels
}

resource "azurerm_kubernetes_cluster" "this" {
  name                    = var.cluster_name
  location                = azurerm_resource_group.this.location
  resource_group_name     = azurerm_resource_group.this.name
  dns_prefix              = var.cluster_name
  private_cluster_enabled = var.environment == "prod"
  tags                    = var.labels
  default_node_pool {
    name       = "default"
    node_count = var.node_count
    vm_size    = var.instance_type
  }
  identity {
    type = "SystemAssigned"
  }
}

locals {
  endpoint    = azurerm_kubernetes_cluster.this.kube_config[0].host
  ready_nodes = azurerm_kubernetes_cluster.this.default_node_pool[0].node_count
}
