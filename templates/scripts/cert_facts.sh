# shellcheck shell=bash
# `cert_facts PATH` (src/provision/tls.ts): the certificate's serial and end date, when the file is
# there. Only definitions, no values.
cert_facts() {
  if [ -s "$1" ]; then
    echo "serial=$(openssl x509 -in "$1" -noout -serial | sed 's/^serial=//')"
    echo "not-after=$(openssl x509 -in "$1" -noout -enddate | sed 's/^notAfter=//')"
  fi
}
