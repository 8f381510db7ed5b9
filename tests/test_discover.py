from ar_wizard.discover import discover


def test_discovery_lists_indexes_from_uv_pip_and_pypirc_and_the_tools_on_path(home):
    (home.project / "pyproject.toml").write_text(
        '[project]\nname = "d"\n\n[[tool.uv.index]]\nname = "corp"\nurl = "https://corp.example/simple/"\n'
    )
    (home.root / ".config" / "uv").mkdir(parents=True)
    (home.root / ".config" / "uv" / "uv.toml").write_text('[[index]]\nname = "mine"\nurl = "https://mine.example/simple/"\n')
    (home.root / ".config" / "pip").mkdir()
    (home.root / ".config" / "pip" / "pip.conf").write_text("[global]\nextra-index-url = https://pip.example/simple/\n")
    (home.root / ".pypirc").write_text("[distutils]\nindex-servers = up\n\n[up]\nrepository = https://up.example/\n")

    found = discover(home.project)

    assert [(i.name, i.tool) for i in found.indexes] == [
        ("corp", "uv"), ("mine", "uv"), ("pip.example", "pip"), ("up", "twine"),
    ]
    assert found.tools["uv"] and found.problems == []


def test_a_file_that_does_not_parse_is_reported_not_raised(home):
    (home.project / "pyproject.toml").write_text("[project\n")
    found = discover(home.project)
    assert found.indexes == []
    assert "pyproject.toml is not valid TOML" in found.problems[0]


def test_indexes_from_uv_index_variables_and_uv_pip_settings_are_found_with_their_scope(home, monkeypatch):
    (home.project / "pyproject.toml").write_text(
        '[project]\nname = "d"\n\n[tool.uv.pip]\nextra-index-url = ["https://pip-only.example/simple/"]\n'
    )
    monkeypatch.setenv("UV_INDEX", "ci=https://ci.example/simple/ https://bare.example/simple/")

    found = discover(home.project)

    assert [(i.name, i.scope, i.pip_only) for i in found.indexes] == [
        ("pip-only.example", "project", True), ("ci", "environment", False), ("bare.example", "environment", False),
    ]
    assert found.find("pip-only.example") is None  # uv lock does not use it


def test_a_password_in_a_url_is_taken_out_of_it_and_masked_everywhere(home):
    from ar_wizard.model import mask

    (home.project / "pyproject.toml").write_text(
        '[project]\nname = "d"\n\n[[tool.uv.index]]\nname = "corp"\nurl = "https://me:s3cret-pass@corp.example/simple/"\n'
    )

    index = discover(home.project).find("corp")

    assert index is not None and index.embedded is not None
    assert index.url == "https://me@corp.example/simple/" and index.username == "me"
    assert index.embedded.reveal() == "s3cret-pass"
    assert mask("it was s3cret-pass") == "it was ****"


def test_pip_files_are_listed_in_the_order_pip_reads_them(home):
    legacy = home.root / ".pip" / "pip.conf"
    xdg = home.root / ".config" / "pip" / "pip.conf"
    for path in (legacy, xdg):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("[global]\nextra-index-url = https://x.example/simple/\n")

    assert discover(home.project).pip_files == [legacy, xdg]
