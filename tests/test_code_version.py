"""Code versions come from the code: an asset's version is a hash of its defs module and the method
code it imports (lazy imports included), so an unbumped change cannot be missed, while a change to
shared wiring or to another method leaves it alone."""

import re

from emopipe.code_version import asset_code_version, module_closure
from emopipe.definitions import defs

FILES = {
    "pkg/__init__.py": "",
    "pkg/defs/__init__.py": "OWNERS = []\n",
    "pkg/defs/resources.py": "RESOURCE = 1\n",
    "pkg/defs/a_assets.py": "from pkg.defs import OWNERS\nfrom pkg.defs.resources import RESOURCE\nfrom pkg.method import train\n",
    "pkg/method/__init__.py": "",
    "pkg/method/train.py": "def fit():\n    from pkg.shared.loss import loss  # lazy: still the asset's code\n    return loss\n",
    "pkg/shared/__init__.py": "",
    "pkg/shared/loss.py": "import os\nimport pkg.shared\nloss = 1\n",
    "pkg/other/__init__.py": "",
    "pkg/other/unused.py": "x = 1\n",
}


def _version(root):
    return asset_code_version.__wrapped__("pkg.defs.a_assets", root)


def test_the_version_covers_the_code_an_asset_imports_and_nothing_else(tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    root = tmp_path / "pkg"
    covered = {str(p.relative_to(tmp_path)) for p in module_closure("pkg.defs.a_assets", root)}
    assert covered == {"pkg/__init__.py", "pkg/defs/__init__.py", "pkg/defs/a_assets.py", "pkg/method/__init__.py",
                       "pkg/method/train.py", "pkg/shared/__init__.py", "pkg/shared/loss.py"}
    before = _version(root)
    for untouched in ("pkg/other/unused.py", "pkg/defs/resources.py"):  # another method, shared wiring
        (tmp_path / untouched).write_text("x = 2\n")
        assert _version(root) == before, untouched
    (tmp_path / "pkg/shared/loss.py").write_text("import os\nimport pkg.shared\nloss = 2  # nobody bumped anything\n")
    assert _version(root) != before


def test_every_asset_of_the_graph_carries_the_hash_of_its_module():
    graph = defs.resolve_asset_graph()
    versions = {}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.is_materializable:
            assert re.fullmatch(r"[0-9a-f]{16}", node.code_version or ""), (key, node.code_version)
            versions[key.to_user_string()] = node.code_version
    assert versions["goemotions_baseline"] == versions["vad_regressor"] == asset_code_version("emopipe.defs.model_assets")
    assert versions["goemotions"] == asset_code_version("emopipe.defs.source_assets")
    assert len({versions["goemotions"], versions["goemotions_baseline"], versions["eacl_checkpoints"], versions["eval_report"]}) == 4
