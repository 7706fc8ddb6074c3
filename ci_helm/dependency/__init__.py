"""Chart dependencies: resolve Chart.yaml's dependencies, write and honour Chart.lock, fill charts/."""
