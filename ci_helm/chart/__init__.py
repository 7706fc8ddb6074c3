"""Our own chart model: Chart.yaml v1/v2, values, templates, subcharts, CRDs, schema, .helmignore."""
