"""Records where the Floe build lives, so that `import floe` finds its jars from any directory.

`pip install ./python` (after `make build`) writes floe/_home.py with this checkout's path; the
JVM's class path is then cli/target/floe-cli-*.jar plus cli/target/classpath.txt of that checkout.
FLOE_HOME overrides it at run time. Everything else is in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HOME = Path(__file__).resolve().parent.parent


class BuildPyWithHome(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "floe" / "_home.py"
        target.write_text(
            '"""Written by setup.py at install time: the Floe checkout whose jars to use."""\n\n'
            f"FLOE_HOME = {str(HOME)!r}\n"
        )


setup(cmdclass={"build_py": BuildPyWithHome})
