#!/usr/bin/env bash
# Debian packages pressroom needs, installed when missing (as root), or the exact command to
# run when not root. Each package is looked for by the file the code or the tests use, so a
# package installed some other way counts too.
#
#   scripts/system-deps.sh runtime   # make demo: venv, libmagic, libturbojpeg, gcc, C headers
#   scripts/system-deps.sh test      # make test: runtime + the checkers the tests call
#   scripts/system-deps.sh bench     # make bench: runtime + wrk (the warm HTTP load), vipsthumbnail
set -euo pipefail

profile="${1:-test}"
python="${PYTHON:-python3}"

has_lib() { compgen -G "/usr/lib/*/$1" >/dev/null || compgen -G "/lib/*/$1" >/dev/null \
  || [[ -e "/usr/lib/$1" ]]; }

if ! command -v "$python" >/dev/null; then
  echo "system-deps: $python not found; pressroom needs Python 3.11 or newer" \
       "(Debian: apt-get install -y python3 python3-venv)" >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "system-deps: $python is $("$python" -V 2>&1); pressroom needs Python 3.11 or newer" >&2
  exit 1
fi

need=()
# Debian's python3 has no ensurepip (so no `python3 -m venv`) without python3-venv.
"$python" -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
has_lib libmagic.so.1 || need+=(libmagic1)           # python-magic: content sniffing
has_lib libturbojpeg.so.0 || need+=(libturbojpeg0)   # libjpeg-turbo's TurboJPEG API (ctypes)
# The install compiles pressroom's C files (ingest/_p3.c, _blocks.c; _rotate.c on libjpeg's
# API): gcc, Python.h and jpeglib.h.
command -v cc >/dev/null || need+=(gcc libc6-dev)
[[ -e /usr/include/jpeglib.h ]] || need+=(libjpeg62-turbo-dev)
"$python" -c 'import os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("include"), "Python.h")))' \
  || need+=(python3-dev)

case "$profile" in
  runtime) ;;
  test)
    command -v qpdf >/dev/null || need+=(qpdf)                         # PDF structure checks
    { command -v pdfinfo && command -v pdftoppm; } >/dev/null || need+=(poppler-utils)
    command -v gs >/dev/null || need+=(ghostscript)                    # PDF/X render checks
    [[ -x /usr/bin/chromium ]] || need+=(chromium fonts-liberation)    # console browser tests
    command -v node >/dev/null || need+=(nodejs)                       # the CloudFront function
    ;;
  bench)
    # Warm hits cost ~1 ms of server CPU: a Python client would measure itself, not them.
    command -v wrk >/dev/null || need+=(wrk)
    command -v vipsthumbnail >/dev/null || need+=(libvips-tools)  # a peer in bench_thumbnail
    ;;
  *) echo "usage: $0 runtime|test|bench" >&2; exit 2 ;;
esac

((${#need[@]})) || exit 0

cmd="apt-get install -y --no-install-recommends ${need[*]}"
if [[ $(id -u) != 0 ]]; then
  echo "system-deps: missing Debian packages: ${need[*]}" >&2
  echo "system-deps: install them as root, then run make again:" >&2
  echo "    sudo apt-get update && sudo $cmd" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "system-deps: missing ${need[*]}, and this is no Debian system (no apt-get):" \
       "install their equivalents by hand" >&2
  exit 1
fi
echo "system-deps: installing ${need[*]} (apt-get, as root)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
