"""Adapters: the only modules doing subprocess, network, cloud and cluster I/O."""
