from nearcoder.cli import app
from typer.testing import CliRunner


def test_data_commands_write_datasets_and_report(tmp_path, fixtures):
    runner = CliRunner()
    result = runner.invoke(app, ["data", "ast", str(fixtures / "repos"), "--out", str(tmp_path / "ast"),
                                 "--fim-rate", "0.5"])
    assert result.exit_code == 0, result.output
    assert "Segments by kind" in result.output and (tmp_path / "ast" / "data.jsonl").is_file()
    result = runner.invoke(app, ["data", "corpus", str(fixtures / "docs"), "--out", str(tmp_path / "c"),
                                 "--min-words", "20", "--no-decontaminate"])
    assert result.exit_code == 0, result.output
    assert "near-duplicate" in result.output


def test_data_commands_reject_bad_input(tmp_path):
    result = CliRunner().invoke(app, ["data", "corpus", str(tmp_path / "missing"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "does not exist" in result.output
    result = CliRunner().invoke(app, ["data", "prompts", str(tmp_path / "missing"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "no dataset" in result.output
