"""The in-process JVM: found from the build whatever the working directory, started once with
the options Arrow needs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import floe
from floe import _jvm


def test_the_jars_come_from_the_checkout_pip_installed_from(tmp_path):
    assert (floe.floe_home() / "cli" / "target" / "classpath.txt").is_file()
    assert os.getcwd() != str(floe.floe_home())
    jars = _jvm.default_classpath()
    assert any(entry.endswith(".jar") and "floe-cli-" in entry for entry in jars)


def test_a_checkout_that_is_not_built_is_named(tmp_path):
    with pytest.raises(floe.FloeError, match="run 'make build' in"):
        _jvm.default_classpath(tmp_path)


def test_the_running_jvm_has_arrows_add_opens_and_quiet_logs():
    floe.start_jvm()
    import jpype

    arguments = [
        str(argument)
        for argument in jpype.JClass("java.lang.management.ManagementFactory")
        .getRuntimeMXBean()
        .getInputArguments()
    ]
    assert "--add-opens=java.base/java.nio=ALL-UNNAMED" in arguments
    assert "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn" in arguments


def test_other_options_once_started_warn_and_change_nothing():
    floe.start_jvm()
    with pytest.warns(RuntimeWarning, match="already running"):
        floe.start_jvm(max_heap="64m")


def test_heap_and_options_reach_a_fresh_process(tmp_path):
    """FLOE_JAVA_OPTS and start_jvm(max_heap=...) in a new process, run from another directory."""
    script = (
        "import floe, jpype\n"
        "floe.start_jvm(max_heap='200m', java_options=['-Dfloe.test.flag=yes'])\n"
        "runtime = jpype.JClass('java.lang.Runtime').getRuntime()\n"
        "system = jpype.JClass('java.lang.System')\n"
        "print(runtime.maxMemory() // (1 << 20), system.getProperty('floe.test.flag'),"
        " system.getProperty('from.env'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={**os.environ, "FLOE_JAVA_OPTS": "-Dfrom.env=1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    max_mib, flag, from_env = done.stdout.split()
    assert 150 <= int(max_mib) <= 200 and flag == "yes" and from_env == "1"
