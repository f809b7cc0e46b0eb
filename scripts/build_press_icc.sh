#!/usr/bin/env bash
# Rebuild the press ICC profiles under pressroom/printers/icc/ from published characterisation
# data, with ArgyllCMS' colprof. Nothing is downloaded: the data come from Debian packages.
#
#   apt-get install -y --no-install-recommends icc-profiles-free argyll
#   scripts/build_press_icc.sh            # all three profiles (about 5 min each on 1 core)
#   scripts/build_press_icc.sh FOGRA39    # one of FOGRA39 | TR006 | SRGB
#
# Sources (see pressroom/printers/icc/NOTICE and docs/printers.md):
#   FOGRA39L.ti3  Fogra characterisation data FOGRA39L (ISO 12647-2:2004/Amd 1, paper type 1/2,
#                 coated), as shipped by Debian's icc-profiles-free (/usr/share/color/icc).
#   TR006.ti3     ANSI CGATS/GRACoL TR 006-2007 characterisation data (GRACoL 2006, grade 1
#                 coated, ISO 12647-2 paper type 1), (c) 2007 NPES; "Profiles, or other derivative
#                 work, based on these data may be distributed with no further permissions from
#                 CGATS. However, this Technical Report must be identified as the source of the
#                 characterization data." (notice inside the data file).
#   sRGB.icm      ArgyllCMS' reference sRGB profile (IEC 61966-2-1), used with fakeread to
#                 synthesise an RGB output-class characterisation: the RGB digital-press intent.
#
# colprof options: -qm medium quality; -l total ink limit (%); -L black limit (%); -kr black
# generation ramp (GCR from 0); -S sRGB as the source gamut for the perceptual/saturation
# tables; -cmt / -dpp viewing conditions (monitor typical -> practical reflection print).
# Each profile then gets targ = "ICCHDAT <registry name>" and a "Based on <name>" description
# (scripts/icc_retag.py), as the ICC Characterization Data Registry asks.
# Argyll's colprof crashes with colord's v4 sRGB as -S, so Argyll's own sRGB.icm is used.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/pressroom/printers/icc"
data=/usr/share/color/icc
srgb=/usr/share/color/argyll/ref/sRGB.icm
which colprof fakeread targen >/dev/null || {
  echo "build_press_icc: needs argyll (apt-get install argyll)" >&2; exit 1; }
[[ -f $data/FOGRA39L.ti3 && -f $data/TR006.ti3 ]] || {
  echo "build_press_icc: needs icc-profiles-free (apt-get install icc-profiles-free)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir -p "$out"

build_fogra39() {
  cp "$data/FOGRA39L.ti3" FOGRA39.ti3
  # ISO Coated v2 (ECI), the usual FOGRA39 separation: TAC 330 %, max black 95 %.
  colprof -qm -l330 -L95 -kr -S "$srgb" -cmt -dpp \
    -A "pressroom (built with ArgyllCMS colprof)" \
    -M "FOGRA39 coated offset, TAC 330" \
    -D "FOGRA39 Coated (ISO 12647-2:2004/Amd 1) TAC330 BPC-ready, from FOGRA39L data" \
    -C "Built from Fogra characterisation data FOGRA39L (Fogra, www.fogra.org). No rights claimed by pressroom." \
    FOGRA39
  python3 "$here/scripts/icc_retag.py" FOGRA39.icc --targ "ICCHDAT FOGRA39" \
    --desc "Based on FOGRA39: coated offset (ISO 12647-2:2004/Amd 1), TAC 330 %"
  cp FOGRA39.icc "$out/FOGRA39_coated_tac330.icc"
}

build_tr006() {
  cp "$data/TR006.ti3" TR006.ti3
  # GRACoL coated: TAC 320 % (the usual GRACoL separation limit), max black 98 %.
  colprof -qm -l320 -L98 -kr -S "$srgb" -cmt -dpp \
    -A "pressroom (built with ArgyllCMS colprof)" \
    -M "GRACoL 2006 Coated #1, TAC 320" \
    -D "GRACoL 2006 Coated1 (CGATS TR 006) TAC320, from TR006 data" \
    -C "Characterization data: ANSI CGATS/GRACoL TR 006-2007, Copyright 2007 NPES. Profile built by pressroom." \
    TR006
  python3 "$here/scripts/icc_retag.py" TR006.icc --targ "ICCHDAT CGATS TR 006" \
    --desc "Based on CGATS TR 006: GRACoL 2006 Coated #1 (ISO 12647-2 paper type 1), TAC 320 %"
  cp TR006.icc "$out/GRACoL2006_TR006_tac320.icc"
}

build_srgb() {
  # An RGB *output-class* (prtr) profile whose colorimetry is sRGB: the intent of a lab whose
  # digital press takes sRGB and converts to its own press condition itself.
  targen -v0 -d2 -G -e4 -g17 -f900 SRGBPRT >/dev/null
  fakeread "$srgb" SRGBPRT >/dev/null
  sed -i 's/DEVICE_CLASS "DISPLAY"/DEVICE_CLASS "OUTPUT"/' SRGBPRT.ti3
  colprof -qm \
    -A "pressroom (built with ArgyllCMS colprof)" \
    -M "sRGB digital press input" \
    -D "sRGB digital press (IEC 61966-2-1 colorimetry, output class)" \
    -C "Synthesised from the sRGB definition (IEC 61966-2-1) with ArgyllCMS fakeread. No rights claimed." \
    SRGBPRT
  python3 "$here/scripts/icc_retag.py" SRGBPRT.icc --targ "sRGB (IEC 61966-2-1), synthesised" \
    --desc "sRGB digital press: sRGB (IEC 61966-2-1) colorimetry as an output-class profile"
  cp SRGBPRT.icc "$out/sRGB_digital_press.icc"
}

case "${1:-all}" in
  FOGRA39) build_fogra39 ;;
  TR006) build_tr006 ;;
  SRGB) build_srgb ;;
  all) build_fogra39; build_tr006; build_srgb ;;
  *) echo "usage: $0 [FOGRA39|TR006|SRGB|all]" >&2; exit 2 ;;
esac
ls -l "$out"/*.icc
