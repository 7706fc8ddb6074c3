"""Turning Helm's raw render into ``helm template`` output: a faithful Python port.

``pipeline`` renders a loaded chart through an engine (or the Jinja2 renderer);
``sorter``/``split`` port Helm's releaseutil; ``template_output`` assembles stdout or
``--output-dir`` writes; ``output_dir`` performs those writes.
"""
