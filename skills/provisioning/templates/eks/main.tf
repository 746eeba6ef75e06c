# Amazon EKS with one managed node group.
terraform {
  required_providers {
    aws        = { source = "hashicorp/aws", version = "~> 5.80" }
    helm       = { source = "hashicorp/helm", version = "~> 2.16" }
    kubernetes = { source = "hashicorp/kubernetes", version = "~> 2.33" }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = var.labels
  }
}

data "aws_iam_role" "cluster" {
  name = "eks-cluster-role"
}

data "aws_iam_role" "nodes" {
  name = "eks-node-role"
}

data "aws_subnets" "private" {
  tags = { tier = "private" }
}

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  role_arn = data.aws_iam_role.cluster.arn
  vpc_config {
    subnet_ids              = data.aws_subnets.private.ids
    endpoint_public_access  = var.environment != "prod"
    endpoint_private_access = true
  }
}

resource "aws_eks_node_group" "default" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${var.cluster_name}-default"
  node_role_arn   = data.aws_iam_role.nodes.arn
  subnet_ids      = data.aws_subnets.private.ids
  instance_types  = [var.instance_type]
  scaling_config {
    desired_size = var.node_count
    min_size     = var.node_count
    max_size     = var.node_count
  }
}

locals {
  endpoint    = aws_eks_cluster.this.endpoint
  ready_nodes = aws_eks_node_group.default.scaling_config[0].desired_size
}
