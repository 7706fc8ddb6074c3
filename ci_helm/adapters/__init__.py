"""The only modules that do subprocess, network, cloud and cluster I/O; each one small."""
