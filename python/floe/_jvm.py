"""The in-process JVM: started once per Python process, with the jars of a `make build`."""

from __future__ import annotations

import atexit
import os
import shlex
import sys
import threading
import warnings
from pathlib import Path
from typing import Optional, Sequence

from floe._errors import FloeError

# Arrow Java reads buffer addresses through java.nio internals.
_REQUIRED_OPTIONS = ("--add-opens=java.base/java.nio=ALL-UNNAMED",)
_QUIET_LOGS = (
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Dorg.slf4j.simpleLogger.log.org.apache.hadoop.util.NativeCodeLoader=error",
    # logs a stack trace for a delete file it cannot read; Floe raises that failure itself
    "-Dorg.slf4j.simpleLogger.log.org.apache.iceberg.data.BaseDeleteLoader=off",
)

_lock = threading.RLock()
_session = None
_options: Optional[tuple] = None


def floe_home() -> Path:
    """The Floe checkout whose jars the JVM loads.

    ``$FLOE_HOME`` if set, else the checkout ``pip install ./python`` ran from (recorded in
    ``floe/_home.py``), else the checkout this package lies in (an editable install).
    """
    configured = os.environ.get("FLOE_HOME")
    if configured:
        return Path(configured).expanduser().resolve()
    try:
        from floe._home import FLOE_HOME  # written by setup.py

        return Path(FLOE_HOME)
    except ImportError:
        return Path(__file__).resolve().parent.parent.parent


def default_classpath(home: Optional[Path] = None) -> list:
    """The class path of ``bin/floe``: the cli jar, the jars ``make build`` listed, ``$FLOE_CLASSPATH``."""
    home = floe_home() if home is None else home
    target = home / "cli" / "target"
    jars = sorted(
        jar
        for jar in target.glob("floe-cli-*.jar")
        if not jar.name.endswith(("-sources.jar", "-tests.jar", "-javadoc.jar"))
    )
    listed = target / "classpath.txt"
    if not jars or not listed.is_file():
        raise FloeError(
            f"Cannot find the Floe jars in {target}: run 'make build' in {home}, or set FLOE_HOME"
            " to a built Floe checkout"
        )
    entries = [str(jars[-1])]
    entries += [entry for entry in listed.read_text().strip().split(os.pathsep) if entry]
    extra = os.environ.get("FLOE_CLASSPATH")
    if extra:
        entries += [entry for entry in extra.split(os.pathsep) if entry]
    return entries


def _jpype_support_jar(entries: Sequence[str]) -> list:
    """JPype's own jar, where JPype does not find it by itself.

    JPype looks for ``org.jpype.jar`` beside its native module; Debian's python3-jpype installs it
    as ``/usr/share/java/org.jpype.jar`` instead, and without it on the class path the JVM fails to
    start (``ClassNotFoundException: org.jpype.classloader.DynamicClassLoader``).
    """
    import _jpype

    beside = Path(_jpype.__file__).resolve().parent / "org.jpype.jar"
    if beside.is_file() or any(Path(entry).name.startswith("org.jpype") for entry in entries):
        return []
    for directory in (Path(sys.prefix) / "share" / "java", Path("/usr/share/java")):
        jar = directory / "org.jpype.jar"
        if jar.is_file():
            return [str(jar)]
    return []


def start_jvm(
    max_heap: Optional[str] = None,
    java_options: Sequence[str] = (),
    classpath: Optional[Sequence[str]] = None,
    arrow_limit: Optional[int] = None,
) -> None:
    """Starts the JVM Floe reads in, once per process; the first call of any Floe function does it
    with the defaults.

    Args:
        max_heap: the JVM's maximum heap, as ``-Xmx`` takes it (``"256m"``, ``"2g"``); default: the
            JVM's own (a quarter of the machine's memory).
        java_options: further JVM options, after those of ``$FLOE_JAVA_OPTS`` (a shell-quoted string).
            ``--add-opens=java.base/java.nio=ALL-UNNAMED``, which Arrow needs, is always added.
        classpath: the class path; default: the jars of ``floe_home()``'s build.
        arrow_limit: the most bytes of Arrow memory (batches, decoding buffers) all scans may hold at
            once; default: no limit.

    Warns ``RuntimeWarning`` if the JVM already runs with other options: a JVM cannot be started
    twice in one process.

    Raises:
        FloeError: if the jars are not found, or another JVM (not Floe's) runs in this process.

    Example:
        >>> import floe
        >>> floe.start_jvm(max_heap="256m")  # before the first scan
    """
    options = list(shlex.split(os.environ.get("FLOE_JAVA_OPTS", "")))
    options += list(java_options)
    if max_heap is not None:
        options.append(f"-Xmx{max_heap}")
    options += [option for option in _REQUIRED_OPTIONS if option not in options]
    options += [
        option
        for option in _QUIET_LOGS
        if not any(given.startswith(option.split("=")[0] + "=") for given in options)
    ]
    wanted = (tuple(options), tuple(classpath or ()), arrow_limit)
    with _lock:
        global _session, _options
        if _session is not None:
            if wanted != _options:
                warnings.warn(
                    "Floe's JVM is already running in this process with other options; they"
                    " stay as they were (call floe.start_jvm before the first Floe call)",
                    RuntimeWarning,
                    stacklevel=2,
                )
            return
        import jpype
        import jpype.config

        if jpype.isJVMStarted():
            raise FloeError(
                "Cannot start Floe's JVM: another JVM is already running in this process"
            )
        entries = list(classpath) if classpath else default_classpath()
        entries += _jpype_support_jar(entries)
        # Batches and readers may outlive JPype's shutdown at interpreter exit, and releasing them
        # calls into Java ("Failed to attach the current thread", or a crash, once JPype has shut
        # down): leave the JVM running until the process itself exits ...
        jpype.config.onexit = False
        jpype.startJVM(
            jpype.getDefaultJVMPath(),
            *options,
            classpath=entries,
            convertStrings=False,
        )
        # ... but stop JPype's reference queue thread first, which would otherwise call into the
        # finalizing interpreter and abort the process ("FATAL: exception not rethrown").
        atexit.register(_stop_reference_queue)
        session_class = jpype.JClass("dev.floe.cli.python.PythonSession")
        limit = arrow_limit if arrow_limit is not None else (1 << 63) - 1
        _session = session_class(jpype.JLong(limit))
        _options = wanted


def _stop_reference_queue() -> None:
    import jpype

    try:
        jpype.JClass("org.jpype.ref.JPypeReferenceQueue").getInstance().stop()
    except Exception:  # noqa: BLE001 - exiting anyway; a newer JPype may have moved it
        pass


def session():
    """The process's Java ``PythonSession``, starting the JVM with the defaults if needed."""
    with _lock:
        if _session is None:
            start_jvm()
        return _session


def debug_counters() -> dict:
    """What the Java side holds now, for leak checks: ``open_scans`` (streams not yet released by
    their consumer), ``allocated_bytes`` (Arrow memory of open scans and of batches Python still
    holds) and ``peak_bytes``.

    Example:
        >>> floe.debug_counters()
        {'open_scans': 0, 'allocated_bytes': 0, 'peak_bytes': 1048576}
    """
    java = session()
    return {
        "open_scans": int(java.openScans()),
        "allocated_bytes": int(java.allocatedBytes()),
        "peak_bytes": int(java.peakBytes()),
    }
