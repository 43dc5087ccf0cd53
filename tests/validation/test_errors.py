from cxsim.validation.errors import InputError


def test_message_names_file_path_expectation_and_value():
    error = InputError("customers.count", "an integer >= 1", -3, file="s.toml")
    assert str(error) == "s.toml: customers.count: expected an integer >= 1, got -3"


def test_in_file_keeps_the_rest():
    error = InputError("a.b", "x").in_file("f.toml")
    assert str(error) == "f.toml: a.b: expected x"


def test_an_error_crosses_a_process_boundary_whole():
    import pickle

    error = InputError("warm_up.weeks", "an integer", 1.5, "scenarios/siloed.toml")
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, InputError) and str(again) == str(error)
    assert (again.path, again.expected, again.got, again.file) == (
        error.path,
        error.expected,
        error.got,
        error.file,
    )
