#!/bin/sh
# Deletes the installed files pressroom never loads from a target tree (the image's
# LAMBDA_TASK_ROOT; also run by scripts/image-size.sh to measure the tree).
#
# face-recognition-models ships four dlib models; pressroom loads two of them
# (pressroom/tags/faces/landmarks.py): shape_predictor_5_face_landmarks.dat (9.2 MB) and
# dlib_face_recognition_resnet_model_v1.dat (22.5 MB). Gone: the 68-point landmark model
# (99.7 MB, trained on iBUG 300-W, whose images are not licensed for commercial use) and the
# CNN face detector (0.7 MB; pressroom detects faces with dlib's HOG detector, or YuNet).
set -eu
root="${1:?usage: prune.sh TARGET_DIR}"
models="$root/face_recognition_models/models"
for keep in shape_predictor_5_face_landmarks.dat dlib_face_recognition_resnet_model_v1.dat; do
  [ -f "$models/$keep" ] || { echo "prune.sh: $models/$keep is missing" >&2; exit 1; }
done
for unused in shape_predictor_68_face_landmarks.dat mmod_human_face_detector.dat; do
  [ -f "$models/$unused" ] || { echo "prune.sh: $models/$unused not found: layout changed?" >&2; exit 1; }
  rm "$models/$unused"
done
