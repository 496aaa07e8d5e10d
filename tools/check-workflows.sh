#!/usr/bin/env bash
# Validates the GitHub Actions workflows (.github/workflows/*.yml) against
# GitHub's schema with action-validator (npm install -g @action-validator/cli).
# Exits 77, which meson test reports as skipped, when it is not installed.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if ! command -v action-validator >/dev/null; then
    echo "check-workflows: action-validator is not installed (npm install -g @action-validator/cli): skipped"
    exit 77
fi
status=0
for workflow in "$repo"/.github/workflows/*.yml; do
    if action-validator "$workflow"; then
        echo "valid: ${workflow#"$repo"/}"
    else
        echo "invalid: ${workflow#"$repo"/}"
        status=1
    fi
done
exit $status
