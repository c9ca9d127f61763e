"""Benchmarks of the running platform; see bench/README.md."""
