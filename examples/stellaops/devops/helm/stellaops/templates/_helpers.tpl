{{/* Chart name, truncated to 63 characters (the Kubernetes name limit). */}}
{{- define "stellaops.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Fully qualified release name; module resources append "-<module>". */}}
{{- define "stellaops.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Chart name and version, for the helm.sh/chart label. */}}
{{- define "stellaops.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels shared by every resource; expects the root context. */}}
{{- define "stellaops.labels" -}}
helm.sh/chart: {{ include "stellaops.chart" . }}
app.kubernetes.io/part-of: {{ include "stellaops.name" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one module; expects (dict "root" $ "module" "<module name>"). */}}
{{- define "stellaops.selectorLabels" -}}
app.kubernetes.io/name: {{ .module }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* Image of one module; expects (dict "root" $ "values" <module values>). The tag defaults to appVersion. */}}
{{- define "stellaops.image" -}}
{{- $tag := .values.image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s:%s" .values.image.repository $tag -}}
{{- end -}}
