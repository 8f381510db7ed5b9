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
