#!/usr/bin/env bash
# The installed size of the tree deploy/Dockerfile puts in LAMBDA_TASK_ROOT, before and after
# deploy/prune.sh: requirements.lock and pressroom installed with --target by Python 3.12 (the
# Lambda base image's), byte-compiled as the Dockerfile does. The image itself adds the base
# (public.ecr.aws/lambda/python:3.12), file-libs and turbojpeg. Then the pruned tree runs
# `pressroom doctor` (with this machine's libmagic and libturbojpeg), as the image's last build
# step does. Needs Python 3.12 and the package index.
#   scripts/image-size.sh            # PYTHON312=/path/to/python3.12 to choose the interpreter
set -euo pipefail
cd "$(dirname "$0")/.."
py="${PYTHON312:-python3.12}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/src"
cp -r pressroom pyproject.toml README.md "$work/src/"
"$py" -m pip install --quiet --no-cache-dir --require-hashes --target "$work/tree" \
  -r requirements.lock
"$py" -m pip install --quiet --no-cache-dir --no-deps --target "$work/tree" "$work/src"
"$py" -m compileall -q -j 0 "$work/tree"
mb() { du -sb "$1" | awk '{printf "%.1f MB", $1 / 1e6}'; }
echo "installed tree as pip puts it: $(mb "$work/tree")"
sh deploy/prune.sh "$work/tree"
echo "after deploy/prune.sh:         $(mb "$work/tree")"
echo "largest after pruning (MB):"
(cd "$work/tree" && du -s --block-size=1M -- * | sort -rn | head -8)
echo "pressroom doctor on the pruned tree:"
real="$("$py" -c 'import sys; print(sys.executable)')"  # not a pyenv shim: env -i below
(cd / && env -i PATH=/usr/bin:/bin PYTHONPATH="$work/tree" "$real" -m pressroom doctor)
