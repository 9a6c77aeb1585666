"""The campaign runs most cases in this process (``hostile_cli.invoke``); these tests show that way
judges the same code and the same outcome as the installed command (``hostile_cli.run``)."""
from __future__ import annotations

from importlib.metadata import entry_points

import pytest

import animate_em.cli
from hostile_cli import TINY_SCENE, assert_one_line_error, invoke, run


def test_the_in_process_runner_calls_the_console_scripts_entry_point():
    # The installed script is `sys.exit(main())` of this entry point: the click group whose main()
    # holds the one-line error wrapper and the signal handling, the object invoke() calls.
    (script,) = entry_points(group="console_scripts", name="animate-em")
    assert script.value == "animate_em.cli:main"
    assert script.load() is animate_em.cli.main
    assert type(animate_em.cli.main).main is animate_em.cli.app.Group.main


@pytest.mark.parametrize("case", ["scene", "option", "data"])
def test_both_ways_end_with_the_same_line_and_status(tmp_path, case):
    scene = tmp_path / "s.toml"
    scene.write_text(TINY_SCENE.replace('title = "tiny"', 'title = "a\\u0007b"'))
    args = {"scene": ["render", scene, "-o", tmp_path / "out"],
            "option": ["fit", "faithful", "-k", "zero"],
            "data": ["fit", tmp_path / "missing.csv", "-k", "2"]}[case]
    real, in_process = run(*args), invoke(*args)
    assert_one_line_error(real)
    assert (in_process.returncode, in_process.stderr, in_process.stdout) == (real.returncode, real.stderr,
                                                                              real.stdout)
    assert not (tmp_path / "out").exists()


def test_an_escaped_exception_fails_the_in_process_check(monkeypatch):
    # What the interpreter would print as a traceback must fail the campaign in process too.
    from animate_em import datasets

    def broken():
        raise RuntimeError("a bug, not a user error")

    monkeypatch.setattr(datasets, "names", broken)
    result = invoke("datasets")
    assert result.returncode == 1 and "Traceback" in result.stderr and "a bug, not a user error" in result.stderr
    with pytest.raises(AssertionError):
        assert_one_line_error(result)
