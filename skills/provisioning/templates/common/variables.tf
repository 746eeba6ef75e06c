# Variables of every platform's template; /deploy-cluster writes their values to terraform.tfvars.json.
variable "cluster_name" {
  type        = string
  description = "Name of the cluster (lower-case letters, digits and dashes)."
}

variable "environment" {
  type        = string
  description = "dev, staging or prod."
}

variable "region" {
  type        = string
  description = "Region or location of the cluster."
}

variable "node_count" {
  type        = number
  description = "Number of worker nodes."
}

variable "instance_type" {
  type        = string
  description = "Machine type of each node."
}

variable "labels" {
  type        = map(string)
  description = "Labels (tags) on every resource: who asked, the run and the plan hash."
  default     = {}
}
