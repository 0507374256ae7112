"""Benchmarks: large generated databases and the timings taken on them."""
