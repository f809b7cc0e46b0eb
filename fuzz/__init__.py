"""Fuzzing of validate/ingest: see fuzz/README.md."""
