from cxsim.validation.errors import InputError


def test_message_names_file_path_expectation_and_value():
    error = InputError("customers.count", "an integer >= 1", -3, file="s.toml")
    assert str(error) == "s.toml: customers.count: expected an integer >= 1, got -3"


def test_in_file_keeps_the_rest():
    error = InputError("a.b", "x").in_file("f.toml")
    assert str(error) == "f.toml: a.b: expected x"
