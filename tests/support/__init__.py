"""Helpers shared by the test suite (fake servers, chart builders, the helm oracle)."""
