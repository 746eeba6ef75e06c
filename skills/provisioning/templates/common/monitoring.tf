# The monitoring stack: kube-prometheus-stack with the generated Helm values, and the generated manifests
# (namespace, blackbox exporter, alert rules), the same on every platform.
locals {
  monitoring_manifests = [
    for document in split("\n---\n", file("${path.module}/monitoring-manifests.yaml")) : yamldecode(document)
  ]
}

resource "helm_release" "monitoring" {
  name             = "monitoring"
  namespace        = "monitoring"
  create_namespace = false
  repository       = "https://prometheus-community.github.io/helm-charts"
  chart            = "kube-prometheus-stack"
  version          = "66.3.1"
  values           = [file("${path.module}/monitoring-values.yaml")]
  depends_on       = [kubernetes_manifest.monitoring]
}

resource "kubernetes_manifest" "monitoring" {
  for_each = { for manifest in local.monitoring_manifests : "${manifest.kind}/${manifest.metadata.name}" => manifest }
  manifest = each.value
}
