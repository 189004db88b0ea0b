from tisheng.imports.tests.helpers import media  # noqa: F401 - the fixture, for every test here
