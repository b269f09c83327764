"""Benchmarks: ``python -m bench`` measures vidprompt and writes docs/benchmarks.md."""
