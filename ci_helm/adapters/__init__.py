"""I/O at the edges: one small module per external system."""
