"""Publishing packaged charts to chart repositories: plan, upload, index, retention.

The core here is target-agnostic: :mod:`.plan` decides what to do from what is already
published, :mod:`.indexed` drives any store that keeps ``index.yaml`` beside the packages
(directory, S3, GCS, git branch, GitHub Pages) with optimistic concurrency, and
:mod:`.protocols` states what each target adapter must provide.
"""
