"""The deploy stage around Helm's release operations: names, readiness, diffs, recovery."""
