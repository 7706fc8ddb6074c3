"""Ring 0: plain data types shared by every part of ci-helm (no I/O here)."""
