"""Benchmarks for the site generator: synthetic corpora and reference builds."""
