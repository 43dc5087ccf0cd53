from cxsim.app.cli import main


def test_missing_scenario_is_a_usage_error(tmp_path, capsys):
    missing = tmp_path / "nowhere.toml"
    assert main(["app", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"cxsim: error: {missing}: expected an existing scenario file"


def test_port_out_of_range_is_a_usage_error(capsys):
    assert main(["app", "--port", "70000"]) == 2
    assert "--port: expected a port between 0 and 65535, got 70000" in capsys.readouterr().err
