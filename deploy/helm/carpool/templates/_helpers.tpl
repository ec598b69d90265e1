{{/* Object names: the release name, plus the chart name unless the release contains it. */}}
{{- define "carpool.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "carpool.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Selector labels. Argument: dict "ctx" $ "component" C ["name" N (default: chart name)]. */}}
{{- define "carpool.selectorLabels" -}}
app.kubernetes.io/name: {{ .name | default (include "carpool.name" .ctx) }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}

{{/* Pod template labels: the selector labels and part-of. Same argument. */}}
{{- define "carpool.podLabels" -}}
{{ include "carpool.selectorLabels" . }}
app.kubernetes.io/part-of: carpool
{{- end }}

{{/* Object labels. Same argument. */}}
{{- define "carpool.labels" -}}
{{ include "carpool.podLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- end }}

{{- define "carpool.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- if eq $tag "latest" }}{{ fail "image.tag: pin a version, not latest" }}{{ end -}}
{{ .Values.image.repository }}:{{ $tag }}
{{- end }}

{{/* The PostgreSQL of the release is a StatefulSet of the chart's own ("true" or empty). */}}
{{- define "carpool.postgresqlStatefulSet" -}}
{{- if and .Values.postgresql.enabled (ne (.Values.postgresql.mode | default "statefulset") "cloudnative-pg") }}true{{ end }}
{{- end }}

{{/* The PostgreSQL of the release is a CloudNativePG Cluster ("true" or empty). */}}
{{- define "carpool.postgresqlCloudNativePG" -}}
{{- if and .Values.postgresql.enabled (eq (.Values.postgresql.mode | default "statefulset") "cloudnative-pg") }}true{{ end }}
{{- end }}

{{/* The Secret carpool reads its database credentials from: with CloudNativePG the one the
operator generates for the application user (<cluster>-app). */}}
{{- define "carpool.dbSecretName" -}}
{{- if include "carpool.postgresqlCloudNativePG" . -}}
{{- printf "%s-app" (include "carpool.postgresqlName" .) }}
{{- else -}}
{{- .Values.database.existingSecret | default (printf "%s-db" (include "carpool.fullname" .)) }}
{{- end }}
{{- end }}

{{- define "carpool.checkinSecretName" -}}
{{- .Values.checkin.existingSecret | default (printf "%s-checkin" (include "carpool.fullname" .)) }}
{{- end }}

{{- define "carpool.postgresqlName" -}}
{{- printf "%s-postgresql" (include "carpool.fullname" .) }}
{{- end }}

{{/* Whether backup pods mount S3 credentials (otherwise ambient credentials are used). */}}
{{- define "carpool.backupCredentials" -}}
{{- if or .Values.backup.s3.existingSecret .Values.backup.s3.accessKeyId }}true{{ end }}
{{- end }}

{{- define "carpool.backupSecretName" -}}
{{- .Values.backup.s3.existingSecret | default (printf "%s-backup-s3" (include "carpool.fullname" .)) }}
{{- end }}

{{/* Pod security context for a numeric UID/GID (argument). */}}
{{- define "carpool.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
fsGroup: {{ . }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Container security context for a numeric UID/GID (argument). */}}
{{- define "carpool.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
capabilities:
  drop: ["ALL"]
{{- end }}

{{/* The variable that points carpool at its database secret file. */}}
{{- define "carpool.dbEnv" -}}
{{- if include "carpool.postgresqlStatefulSet" . -}}
- name: POSTGRES_PASSWORD_FILE
  value: /etc/carpool/db/password
{{- else -}}
- name: CARPOOL_DATABASE_URL_FILE
  value: /etc/carpool/db/database-url
{{- end }}
{{- end }}

{{- define "carpool.dbVolume" -}}
- name: db-credentials
  secret:
    secretName: {{ include "carpool.dbSecretName" . }}
    defaultMode: 0440
    items:
      {{- if include "carpool.postgresqlStatefulSet" . }}
      - key: password
        path: password
      {{- else if include "carpool.postgresqlCloudNativePG" . }}
      # postgresql://USER:PASSWORD@<cluster>-rw.NAMESPACE:5432/DB: the primary, wherever
      # the operator has promoted it.
      - key: uri
        path: database-url
      {{- else }}
      - key: database-url
        path: database-url
      {{- end }}
{{- end }}

{{- define "carpool.commonPodSpec" -}}
automountServiceAccountToken: false
enableServiceLinks: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* NetworkPolicy egress rule to the cluster DNS. */}}
{{- define "carpool.dnsEgress" -}}
- to:
    - namespaceSelector:
        {{- toYaml .Values.networkPolicy.dns.namespaceSelector | nindent 8 }}
      podSelector:
        {{- toYaml .Values.networkPolicy.dns.podSelector | nindent 8 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end }}

{{/* NetworkPolicy egress rules to the database. */}}
{{- define "carpool.databaseEgress" -}}
{{- if .Values.postgresql.enabled -}}
- to:
    - podSelector:
        matchLabels:
          {{- include "carpool.selectorLabels" (dict "ctx" . "name" "postgresql" "component" "database") | nindent 10 }}
  ports:
    - port: 5432
      protocol: TCP
{{- else -}}
{{- toYaml .Values.networkPolicy.externalDatabaseEgress }}
{{- end }}
{{- end }}

{{/* Checks of combinations the schema cannot express. */}}
{{- define "carpool.validate" -}}
{{- if and (not .Values.postgresql.enabled) (not .Values.database.existingSecret) }}
{{- fail "postgresql.enabled=false needs database.existingSecret (a Secret with key database-url)" }}
{{- end }}
{{- $delay := trimSuffix "s" .Values.config.shutdownDelay | atoi }}
{{- $timeout := trimSuffix "s" .Values.config.shutdownTimeout | atoi }}
{{- $replicas := ternary .Values.autoscaling.maxReplicas .Values.replicaCount .Values.autoscaling.enabled }}
{{- if and .Values.postgresql.enabled (lt (int .Values.postgresql.maxConnections) (add (mul (int $replicas) (int .Values.config.dbMaxConns)) 10)) }}
{{- fail "postgresql.maxConnections must exceed the server replicas (autoscaling.maxReplicas) x config.dbMaxConns, plus 10 for Jobs and operators" }}
{{- end }}
{{- if le (int .Values.terminationGracePeriodSeconds) (add $delay $timeout) }}
{{- fail "terminationGracePeriodSeconds must exceed config.shutdownDelay + config.shutdownTimeout" }}
{{- end }}
{{- end }}
