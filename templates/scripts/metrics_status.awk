# metrics_status.awk (src/metrics/status.ts): the app's Prometheus text file -> `metric-NAME=VALUE`
# fact lines for mode status (letters only in NAME: parseFacts' keys; quantiles spelled out).
/^gunicorn_deploy_[a-z0-9_]+\{/ {
  name = substr($1, 17, index($1, "{") - 17); q = ""
  if (match($1, /quantile="[0-9.]+"/)) { q = substr($1, RSTART + 10, RLENGTH - 11); q = (q == "0.5" ? "_p_fifty" : q == "0.95" ? "_p_ninety_five" : q == "0.99" ? "_p_ninety_nine" : "_other") }
  if (name == "release_info" || name == "deploys_total" || name == "rollbacks_total") next
  gsub(/5xx/, "fivexx", name)
  print "metric-" name q "=" $2
}
